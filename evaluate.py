"""Evaluate: `python evaluate.py --model DIR --data PATH` or `python evaluate.py --cv`.

--cv trains and tests leave-one-document-out over the seed annotations (train on four, test on the
fifth) with the training configuration given by --config (or the defaults) and writes
report.json / report.md to --out; --update-readme puts report.md's tables into README.md.
"""
import argparse
import dataclasses
import json
import logging
import sys

from vntransfer.corpus import load_documents
from vntransfer.crossval import cross_validate, cv_markdown, update_readme, write_reports
from vntransfer.evaluation import score_documents
from vntransfer.training import TrainingArguments


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", help="saved model directory to evaluate on --data")
    p.add_argument("--data", default="annotations", help="SPEC.md JSON folder or JSONL (default: annotations)")
    p.add_argument("--cv", action="store_true", help="leave-one-document-out cross-validation on --data")
    p.add_argument("--config", help="training configuration JSON for --cv (TrainingArguments fields)")
    p.add_argument("--epochs", type=int, help="override the epochs of the configuration")
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the 95%% interval")
    p.add_argument("--out", default="reports/cv", help="folder for report.json and report.md")
    p.add_argument("--update-readme", action="store_true", help="write report.md into README.md's results block")
    a = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    from pathlib import Path

    data = Path(a.data)
    docs = load_documents(sorted(data.glob("*.json")) if data.is_dir() else [data])
    if a.cv:
        args = TrainingArguments(**json.loads(Path(a.config).read_text())) if a.config else TrainingArguments()
        args = dataclasses.replace(args, progress=False, **({"epochs": a.epochs} if a.epochs else {}))
        report = cross_validate(docs, args, work_dir=str(Path(a.out) / "work"), bootstrap=a.bootstrap)
        markdown = cv_markdown(report)
    elif a.model:
        from vntransfer.pipeline import load

        extractor = load(a.model)
        preds = extractor.predict_many([d.text for d in docs], ids=[d.id for d in docs])
        report = {"model": a.model, "scores": score_documents(docs, preds)}
        s = report["scores"]
        markdown = (f"entity micro-F1 {s['entities']['micro']['f1']:.3f}, relation strict F1 "
                    f"{s['relations']['strict']['micro']['f1']:.3f}, event-argument F1 {s['events']['arguments']['f1']:.3f}")
    else:
        p.error("give --model DIR or --cv")
    write_reports(report, a.out, markdown)
    if a.update_readme:
        update_readme("README.md", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
