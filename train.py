"""Train the extractor: `python train.py [--encoder vinai/phobert-base-v2] ...` or `python train.py config.json [--flag value ...]` (flags override the file).

With no arguments it rebuilds the shipped default model in models/default from annotations/.
`--readme README.md` (after the JSON file or among the arguments) writes how the model was trained,
taken from the saved model, into README's training block.
"""
import logging
import json
import sys

from transformers import HfArgumentParser

from vntransfer.evaluation.report import update_readme
from vntransfer.training.trainer import TrainingArguments, TrainingSetupError, kept_epoch, train, training_markdown


def parse_arguments(argv: list[str]) -> tuple[TrainingArguments, str | None]:
    """Flags, or a JSON config file followed by flags that override it; `--readme FILE` anywhere."""
    argv = list(argv)
    readme = None
    if "--readme" in argv:
        k = argv.index("--readme")
        readme = argv[k + 1]
        del argv[k:k + 2]
    parser = HfArgumentParser(TrainingArguments)
    if argv and argv[0].endswith(".json"):  # a config file, then any flags that override it
        with open(argv[0], encoding="utf-8") as f:
            config = json.load(f)
        known = {a.dest for a in parser._actions}
        unknown = sorted(set(config) - known)
        if unknown:
            parser.error(f"{argv[0]}: unknown setting(s) {', '.join(unknown)}")
        parser.set_defaults(**config)
        argv = argv[1:]
    (args,) = parser.parse_args_into_dataclasses(args=argv)
    return args, readme


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args, readme = parse_arguments(sys.argv[1:])
    try:
        _, history = train(args)
    except TrainingSetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2)
    from accelerate import PartialState

    if not PartialState().is_main_process:  # under torchrun / accelerate launch: the main process reports
        return
    if args.dev:
        best = kept_epoch(history)
        print(f"kept epoch {best['epoch']} of {len(history)}: dev entity F1 {best['dev_entity_f1']:.3f}, relation F1 "
              f"{best['dev_relation_f1']:.3f}, event-argument F1 {best['dev_event_f1']:.3f}")
    else:
        print(f"kept the last epoch ({len(history)}): no dev documents")
    print(f"model saved to {args.output_dir}")
    if readme:
        update_readme(readme, training_markdown(args.output_dir), marker="training")


if __name__ == "__main__":
    main()
