"""Leave-one-document-out cross-validation over real annotated documents, and the reports."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import statistics
from pathlib import Path
from typing import Optional

from . import __version__
from .document import Document
from .evaluation import score_documents
from .training import TrainingArguments, train

HEADLINE = (("entity micro-F1", ("entities", "micro", "f1")),
            ("relation strict F1", ("relations", "strict", "micro", "f1")),
            ("relation boundaries F1", ("relations", "boundaries", "micro", "f1")),
            ("event-argument F1", ("events", "arguments", "f1")))


def _get(d: dict, path: tuple) -> float:
    for k in path:
        d = d[k]
    return float(d)


def _defined(d: dict, path: tuple) -> bool:
    """False where neither gold nor prediction has anything to score (F1 undefined)."""
    for k in path[:-1]:
        d = d[k]
    return bool(d.get("tp", 0) + d.get("fp", 0) + d.get("fn", 0)) if "tp" in d else True


def data_hash(docs: list[Document]) -> str:
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: d.id):
        h.update(json.dumps(d.to_dict(), sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:16]


def bootstrap_ci(gold: list[Document], pred: list[Document], path: tuple, n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% interval of a pooled score when the test documents are resampled with replacement."""
    rng = random.Random(seed)
    values = []
    for _ in range(n):
        idx = [rng.randrange(len(gold)) for _ in gold]
        g = [dataclasses.replace(gold[i], id=f"{gold[i].id}#{k}") for k, i in enumerate(idx)]
        p = [dataclasses.replace(pred[i], id=f"{gold[i].id}#{k}") for k, i in enumerate(idx)]
        values.append(_get(score_documents(g, p), path))
    values.sort()
    return values[int(0.025 * n)], values[min(n - 1, int(0.975 * n))]


def cross_validate(docs: list[Document], args: TrainingArguments, work_dir: str = "runs/cv",
                   extra_train: Optional[list[Document]] = None, bootstrap: int = 1000) -> dict:
    """Train on all documents but one, test on that one, for each document. `extra_train`
    (written or generated text) only ever joins the training side."""
    folds, gold_all, pred_all = [], [], []
    for k, test in enumerate(docs):
        fold_args = dataclasses.replace(
            args, dev=[], output_dir=f"{work_dir}/fold-{k}/model", checkpoint_dir=f"{work_dir}/fold-{k}/checkpoint",
            encoder_dir=f"{work_dir}/fold-{k}/encoder" if args.encoder == "default" else args.encoder_dir)
        train_docs = [d for d in docs if d.id != test.id] + list(extra_train or [])
        extractor, history = train(fold_args, train_docs=train_docs, dev_docs=[], save=False)
        pred = extractor.predict(test.text, id=test.id)
        scores = score_documents([test], [pred])
        folds.append({"test_document": test.id, "scores": scores, "final_loss": history[-1]["loss"]})
        gold_all.append(test)
        pred_all.append(pred)
    summary = {}
    for name, path in HEADLINE:
        per_fold = [_get(f["scores"], path) if _defined(f["scores"], path) else None for f in folds]
        defined = [v for v in per_fold if v is not None]
        lo, hi = bootstrap_ci(gold_all, pred_all, path, n=bootstrap)
        summary[name] = {"pooled": _get(score_documents(gold_all, pred_all), path),
                         "mean": statistics.mean(defined) if defined else None,
                         "std": statistics.stdev(defined) if len(defined) > 1 else 0.0,
                         "ci95": [lo, hi], "per_fold": per_fold}
    return {
        "package_version": __version__,
        "data_hash": data_hash(docs),
        "seed": args.seed,
        "arguments": dataclasses.asdict(args),
        "documents": [d.id for d in docs],
        "folds": folds,
        "pooled": score_documents(gold_all, pred_all),
        "summary": summary,
        "predictions": [p.to_dict() for p in pred_all],
    }


def cv_markdown(report: dict) -> str:
    lines = ["| metric | pooled | mean ± std over folds | bootstrap 95% CI | " +
             " | ".join(f"fold {d[:3]}" for d in report["documents"]) + " |",
             "|---" * (4 + len(report["documents"])) + "|"]
    for name, s in report["summary"].items():
        mean = "n/a" if s["mean"] is None else f"{s['mean']:.3f} ± {s['std']:.3f}"
        lines.append(f"| {name} | {s['pooled']:.3f} | {mean} | {s['ci95'][0]:.3f}–{s['ci95'][1]:.3f} | "
                     + " | ".join("–" if v is None else f"{v:.3f}" for v in s["per_fold"]) + " |")
    per_type = report["pooled"]["entities"]["per_type"]
    lines += ["", "| entity type | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for t, s in per_type.items():
        lines.append(f"| {t} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
    rel = report["pooled"]["relations"]["strict"]["per_type"]
    lines += ["", "| relation type (strict) | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for t, s in rel.items():
        lines.append(f"| {t} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
    lines += ["", f"Leave-one-document-out over {len(report['documents'])} seed documents; package "
              f"{report['package_version']}, data hash {report['data_hash']}, seed {report['seed']}, "
              f"{report['arguments']['epochs']} epochs, encoder `{report['arguments']['encoder']}`. "
              "Pooled: all test folds scored together; – : the fold has nothing to score (no gold, no prediction)."]
    return "\n".join(lines)


def write_reports(report: dict, out_dir: str | Path, markdown: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "report.md").write_text(markdown + "\n", encoding="utf-8")


def update_readme(readme: str | Path, markdown: str, marker: str = "results") -> None:
    import re

    path = Path(readme)
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)",
                     lambda m: m.group(1) + markdown + "\n" + m.group(2), text, flags=re.S)
    if n != 1:
        raise ValueError(f"{path}: no <!-- {marker}:start --> ... <!-- {marker}:end --> block")
    path.write_text(new, encoding="utf-8")
