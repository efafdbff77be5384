"""Evaluate: F1 reports an evaluator can trust and look at.

  python evaluate.py --model DIR --data PATH        # a trained model on any SPEC.md set (folder or JSONL)
  python evaluate.py --cv [--config CONFIG.json]     # leave-one-document-out over the seed annotations
  python evaluate.py --readme-from reports/cv/report.md   # put a report's tables into README.md
  python evaluate.py --ablation --config configs/cv.json  # what each source of training signal adds

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

from vntransfer.corpus import load_documents
from vntransfer.crossval import cross_validate, evaluate_model
from vntransfer.report import update_readme, write_reports
from vntransfer.training import TrainingArguments


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", help="saved model directory to evaluate on --data")
    p.add_argument("--data", default="annotations", help="SPEC.md JSON folder (top level) or file or JSONL (default: annotations)")
    p.add_argument("--cv", action="store_true", help="leave-one-document-out cross-validation on --data")
    p.add_argument("--config", help="training configuration JSON for --cv (TrainingArguments fields)")
    p.add_argument("--epochs", type=int, help="override the epochs of the configuration")
    p.add_argument("--no-baselines", action="store_true", help="skip the baselines in --cv")
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the 95%% interval")
    p.add_argument("--out", default="reports/cv", help="folder for report.json, report.md and report.html")
    p.add_argument("--update-readme", action="store_true", help="write report.md into README.md's results block")
    p.add_argument("--readme-from", metavar="REPORT_MD", help="only copy this report.md into README.md")
    p.add_argument("--ablation", action="store_true", help="CV rows: seeds only, + generated, + written, + pretrained encoder, all")
    p.add_argument("--written", nargs="*", default=["data/written"], help="written corpus for --ablation")
    p.add_argument("--generated", nargs="*", default=["data/generated/generated.jsonl"], help="generated corpus for --ablation")
    p.add_argument("--pretrained-encoder", default="models/encoder-cv", help="encoder pretrained without the seeds, for --ablation")
    a = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if a.readme_from:
        marker = "ablation" if Path(a.readme_from).name.startswith("ablation") else "results"
        update_readme("README.md", Path(a.readme_from).read_text(encoding="utf-8").rstrip("\n"), marker=marker)
        return 0
    data = Path(a.data)
    docs = load_documents(sorted(data.glob("*.json")) if data.is_dir() else [data])
    if a.ablation:
        from vntransfer.crossval import ablation_markdown, ablation_rows, run_ablation

        args = TrainingArguments(**json.loads(Path(a.config).read_text())) if a.config else TrainingArguments()
        args = dataclasses.replace(args, progress=False, **({"epochs": a.epochs} if a.epochs else {}))
        rows = ablation_rows(args, a.pretrained_encoder, a.written, a.generated)
        result = run_ablation(docs, rows, work_dir=str(Path(a.out) / "work"), bootstrap=a.bootstrap)
        markdown = ablation_markdown(result)
        out = Path(a.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "ablation.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        (out / "ablation.md").write_text(markdown + "\n", encoding="utf-8")
        if a.update_readme:
            update_readme("README.md", markdown, marker="ablation")
        print(markdown)
        return 0
    if a.cv:
        args = TrainingArguments(**json.loads(Path(a.config).read_text())) if a.config else TrainingArguments()
        args = dataclasses.replace(args, progress=False, **({"epochs": a.epochs} if a.epochs else {}))
        report = cross_validate(docs, args, work_dir=str(Path(a.out) / "work"), bootstrap=a.bootstrap,
                                baselines={} if a.no_baselines else None)
    elif a.model:
        from vntransfer.pipeline import load

        extractor = load(a.model)
        meta = json.loads((Path(a.model) / "vntransfer.json").read_text(encoding="utf-8"))
        report = evaluate_model(docs, lambda ds: extractor.predict_many([d.text for d in ds], ids=[d.id for d in ds]),
                                name=str(a.model), bootstrap=a.bootstrap,
                                meta={"model": str(a.model), "model_package_version": meta.get("package_version"),
                                      "encoder": meta.get("training", {}).get("arguments", {}).get("encoder")})
    else:
        p.error("give --model DIR, --cv or --readme-from")
    markdown = write_reports(report, a.out)
    if a.update_readme:
        update_readme("README.md", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
