"""Train the extractor: `python train.py [--encoder vinai/phobert-base-v2] ...` or `python train.py config.json`.

With no arguments it rebuilds the shipped default model in models/default from annotations/.
`--readme README.md` (after the JSON file or among the arguments) writes how the model was trained,
taken from the saved model, into README's training block.
"""
import logging
import sys

from transformers import HfArgumentParser

from vntransfer.report import update_readme
from vntransfer.training import TrainingArguments, TrainingSetupError, kept_epoch, train, training_markdown


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    argv = sys.argv[1:]
    readme = None
    if "--readme" in argv:
        k = argv.index("--readme")
        readme = argv[k + 1]
        del argv[k:k + 2]
    parser = HfArgumentParser(TrainingArguments)
    if len(argv) == 1 and argv[0].endswith(".json"):
        (args,) = parser.parse_json_file(argv[0])
    else:
        (args,) = parser.parse_args_into_dataclasses(args=argv)
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
