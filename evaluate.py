"""Evaluate: F1 reports an evaluator can trust and look at.

  python evaluate.py --model DIR --data PATH        # a trained model on any SPEC.md set (folder or JSONL),
                                                     # beside the underthesea and lexicon baselines
  python evaluate.py --model models/default --data data/dev/dev40.jsonl --update-readme   # the dev set
  python evaluate.py --cv [--config CONFIG.json]     # leave-one-document-out over the seed annotations
  python evaluate.py --readme-from reports/cv/report.md   # put a report's tables into README.md
  python evaluate.py --ablation --config configs/cv.json  # what each source of training signal adds
  python evaluate.py --decoders --config configs/default.json  # the entity decoders side by side on the dev set

--cv trains on all documents but one and tests on that one, for each document, and scores the
baselines (underthesea's NER, lexicon + rules) on the same folds. Reports: report.json, report.md and
report.html in --out; --update-readme also writes report.md into README.md.
"""
import argparse
import dataclasses
import json
import logging
import sys
from pathlib import Path

from vntransfer.annotation.corpus import load_documents
from vntransfer.training.crossval import cross_validate, evaluate_model
from vntransfer.evaluation.report import update_readme, write_reports
from vntransfer.training.trainer import TrainingArguments, top_level_files


def config_arguments(a) -> TrainingArguments:
    """The training arguments of --config (defaults without one), quiet, with --epochs if given."""
    args = TrainingArguments(**json.loads(Path(a.config).read_text())) if a.config else TrainingArguments()
    return dataclasses.replace(args, progress=False, **({"epochs": a.epochs} if a.epochs else {}))


def write_table(out: Path, name: str, result: dict, markdown: str, readme: bool) -> None:
    """<out>/<name>.json and <name>.md, README's block <name> with --update-readme, the table printed."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / f"{name}.md").write_text(markdown + "\n", encoding="utf-8")
    if readme:
        update_readme("README.md", markdown, marker=name)
    print(markdown)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", help="saved model directory to evaluate on --data")
    p.add_argument("--data", default="annotations", help="SPEC.md JSON folder (top level) or file or JSONL (default: annotations)")
    p.add_argument("--cv", action="store_true", help="leave-one-document-out cross-validation on --data")
    p.add_argument("--config", help="training configuration JSON for --cv (TrainingArguments fields)")
    p.add_argument("--epochs", type=int, help="override the epochs of the configuration")
    p.add_argument("--no-baselines", action="store_true", help="skip the baselines (underthesea ner, lexicon + rules)")
    p.add_argument("--jobs", type=int, default=1,
                   help="--cv, --ablation: folds trained at once, each in its own process with an equal share of the "
                        "cores (2 on a 2-core machine: about 1.8 times the folds per hour; the report is the same)")
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the 95%% interval")
    p.add_argument("--out", help="folder for report.json, report.md and report.html (default: reports/cv for --cv, "
                                 "reports/ablation for --ablation, reports/<data name> for --model)")
    p.add_argument("--baseline-train", nargs="*", default=["annotations", "data/written", "data/generated/generated.jsonl"],
                   help="--model: documents the lexicon baseline learns its forms from (those that exist are used)")
    p.add_argument("--update-readme", action="store_true", help="write report.md into README.md's results block")
    p.add_argument("--readme-from", metavar="REPORT_MD", help="only copy this report.md into README.md")
    p.add_argument("--ablation", action="store_true", help="CV rows: seeds only, + generated, + written, + pretrained encoder, all")
    p.add_argument("--written", nargs="*", default=["data/written"], help="written corpus for --ablation")
    p.add_argument("--generated", nargs="*", default=["data/generated/generated.jsonl"], help="generated corpus for --ablation")
    p.add_argument("--pretrained-encoder", default="models/encoder-cv",
                   help="encoder pretrained without the seeds, for --ablation (models/encoder saw them: it would leak)")
    p.add_argument("--decoders", action="store_true",
                   help="train the shipped recipe (--config) once per entity decoder (independent softmax, CRF) and score "
                        "each on the recipe's dev set with and without the repairs")
    p.add_argument("--decoder-model", nargs=2, action="append", metavar=("DECODER", "DIR"), default=[],
                   help="--decoders: a model already trained with the recipe for this decoder ('CRF' or "
                        "'independent softmax'); its arguments are checked against the recipe")
    a = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if a.readme_from:
        name = Path(a.readme_from)
        marker = "ablation" if name.name.startswith("ablation") else "decoders" if name.name.startswith("decoders") else "results" if name.parent.name == "cv" else "dev"
        update_readme("README.md", Path(a.readme_from).read_text(encoding="utf-8").rstrip("\n"), marker=marker)
        return 0
    data = Path(a.data)
    a.out = a.out or ("reports/ablation" if a.ablation else "reports/decoders" if a.decoders else "reports/cv" if a.cv else f"reports/{data.stem or data.name}")
    if a.model and not a.cv and Path(a.out).resolve() == Path("reports/cv").resolve():
        p.error("--out reports/cv holds the cross-validation report; give another folder for --model")
    docs = load_documents(sorted(data.glob("*.json")) if data.is_dir() else [data])
    if a.decoders:
        from vntransfer.training.crossval import DECODERS, decoder_ablation, decoder_markdown

        unknown = [name for name, _ in a.decoder_model if name not in DECODERS]
        if unknown:
            p.error(f"--decoder-model: unknown decoder {unknown[0]!r}; known: {', '.join(DECODERS)}")
        args = config_arguments(a)
        dev_docs = load_documents(top_level_files(args.dev))
        out = Path(a.out)
        result = decoder_ablation(args, dev_docs, work_dir=str(out / "work"), models=dict(a.decoder_model))
        write_table(out, "decoders", result, decoder_markdown(result), a.update_readme)
        return 0
    if a.ablation:
        from vntransfer.training.crossval import ablation_markdown, ablation_rows, run_ablation

        args = config_arguments(a)
        rows = ablation_rows(args, a.pretrained_encoder, a.written, a.generated)
        result = run_ablation(docs, rows, work_dir=str(Path(a.out) / "work"), bootstrap=a.bootstrap, jobs=a.jobs)
        write_table(Path(a.out), "ablation", result, ablation_markdown(result), a.update_readme)
        return 0
    if a.cv:
        args = config_arguments(a)
        report = cross_validate(docs, args, work_dir=str(Path(a.out) / "work"), bootstrap=a.bootstrap,
                                baselines={} if a.no_baselines else None, jobs=a.jobs)
    elif a.model:
        from vntransfer.pipeline import load

        extractor = load(a.model)
        meta = json.loads((Path(a.model) / "vntransfer.json").read_text(encoding="utf-8"))
        trained_on = set(meta.get("training", {}).get("train_documents", []))
        leaked = sorted(d.id for d in docs if d.id in trained_on)
        if leaked:
            print(f"warning: {len(leaked)} of these documents were on the model's training side "
                  f"({', '.join(leaked[:5])}): the scores are not held-out figures", file=sys.stderr)
        baselines = {}
        if not a.no_baselines:
            from vntransfer.training.crossval import default_baselines

            sources = [s for s in a.baseline_train if Path(s).exists()]
            # a folder with documents at its top level (annotations/) is read without its subfolders (passes/)
            base_docs = load_documents([f for src in sources for f in (
                top_level_files([src]) if Path(src).is_dir() and any(Path(src).glob("*.json")) else [src])])
            base_docs = [d for d in base_docs if d.id not in {x.id for x in docs}]
            missing = [s for s in a.baseline_train if s not in sources]
            print(f"lexicon baseline: learns from {len(base_docs)} documents of {', '.join(sources) or 'nothing'}"
                  + (f"; missing {', '.join(missing)} (`make data` makes the generated corpus), so its scores differ "
                     "from README's" if missing else ""), file=sys.stderr)
            baselines = {name: make(base_docs) for name, make in default_baselines().items()}
        report = evaluate_model(docs, lambda ds: extractor.predict_many([d.text for d in ds], ids=[d.id for d in ds]),
                                name="vntransfer", bootstrap=a.bootstrap, baselines=baselines,
                                meta={"model": str(a.model), "model_package_version": meta.get("package_version"),
                                      "encoder": meta.get("training", {}).get("arguments", {}).get("encoder"),
                                      "epochs": meta.get("training", {}).get("arguments", {}).get("epochs", "–")},
                                extractor=extractor)
    else:
        p.error("give --model DIR, --cv or --readme-from")
    markdown = write_reports(report, a.out)
    if a.update_readme:
        update_readme("README.md", markdown, marker="results" if a.cv else "dev")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
