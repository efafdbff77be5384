"""Leave-one-document-out cross-validation over real annotated documents, with the baselines
scored on the same folds and texts."""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import random
import statistics
from typing import Callable, Optional

from .. import __version__
from ..annotation.document import Document
from ..evaluation.metrics import entity_confusion, score_documents
from ..annotation.corpus import load_documents
from .trainer import TrainingArguments, kept_epoch, top_level_files, train

MODEL = "vntransfer"
HEADLINE = (("entity micro-F1", ("entities", "micro", "f1")),
            ("entity macro-F1", ("entities", "macro_f1")),
            ("entity relaxed F1", ("relaxed", "entities", "f1")),
            ("relation strict F1", ("relations", "strict", "micro", "f1")),
            ("relation boundaries F1", ("relations", "boundaries", "micro", "f1")),
            ("relation relaxed F1", ("relaxed", "relations", "f1")),
            ("event-argument F1", ("events", "arguments", "f1")))


def get_path(d: dict, path: tuple) -> float:
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


def bootstrap_cis(gold: list[Document], pred: list[Document], paths: list[tuple], n: int = 1000,
                  seed: int = 0) -> list[list[float]]:
    """95% interval of each pooled score (one per path) when the test documents are resampled with
    replacement; every resample is scored once for all the paths."""
    if n <= 0:
        return [[float("nan"), float("nan")] for _ in paths]
    rng = random.Random(seed)
    values: list[list[float]] = [[] for _ in paths]
    for _ in range(n):
        idx = [rng.randrange(len(gold)) for _ in gold]
        g = [dataclasses.replace(gold[i], id=f"{gold[i].id}#{k}") for k, i in enumerate(idx)]
        p = [dataclasses.replace(pred[i], id=f"{gold[i].id}#{k}") for k, i in enumerate(idx)]
        scores = score_documents(g, p, with_seqeval=False, with_breakdown=False)
        for v, path in zip(values, paths):
            if _defined(scores, path):  # a resample with nothing to score says nothing about F1
                v.append(get_path(scores, path))
    out = []
    for v in values:
        if not v:
            out.append([float("nan"), float("nan")])
            continue
        v.sort()
        m = len(v)
        out.append([v[int(0.025 * m)], v[min(m - 1, int(0.975 * m))]])
    return out


def summarise(gold: list[Document], pred: list[Document], bootstrap: int) -> dict:
    folds = [score_documents([g], [p]) for g, p in zip(gold, pred)]
    pooled = score_documents(gold, pred)
    summary = {}
    intervals = bootstrap_cis(gold, pred, [path for _, path in HEADLINE], n=bootstrap)
    for (name, path), ci95 in zip(HEADLINE, intervals):
        per_fold = [get_path(f, path) if _defined(f, path) else None for f in folds]
        defined = [v for v in per_fold if v is not None]
        summary[name] = {"pooled": get_path(pooled, path),
                         "mean": statistics.mean(defined) if defined else None,
                         "std": statistics.stdev(defined) if len(defined) > 1 else 0.0,
                         "ci95": ci95, "per_fold": per_fold}
    return {"folds": folds, "pooled": pooled, "summary": summary,
            "confusion": entity_confusion(gold, pred), "predictions": [p.to_dict() for p in pred]}


@functools.lru_cache(maxsize=1)
def _underthesea_ner():
    from ..evaluation.baselines import UndertheseaNER

    return UndertheseaNER()


def underthesea_baseline(train_docs: list[Document]) -> Callable[[str, str], Document]:
    """underthesea's `ner`, which trains on nothing of ours (one instance per process)."""
    return _underthesea_ner().predict


def lexicon_baseline(train_docs: list[Document]) -> Callable[[str, str], Document]:
    """Lexicon + rules, its lists taken from the fold's training documents."""
    from ..evaluation.baselines import LexiconBaseline

    return LexiconBaseline(train_docs).predict


def default_baselines() -> dict[str, Callable[[list[Document]], Callable[[str, str], Document]]]:
    """name -> (training documents of a fold -> predict(text, id)); module-level functions, so that fold
    processes (`cross_validate(jobs=...)`) receive them."""
    return {"underthesea ner": underthesea_baseline, "lexicon + rules": lexicon_baseline}


def cross_validate(docs: list[Document], args: TrainingArguments, work_dir: str = "runs/cv",
                   extra_train: Optional[list[Document]] = None, bootstrap: int = 1000,
                   baselines: Optional[dict] = None, jobs: int = 1) -> dict:
    """Train on all documents but one, test on that one, for each document. `extra_train`
    (written or generated text) only ever joins the training side. With `jobs` > 1 the folds train in that many
    worker processes at once (each with an equal share of the cores); the report is the same as one by one."""
    baselines = default_baselines() if baselines is None else baselines
    if extra_train is None and args.extra_train:
        extra_train = load_documents(args.extra_train)
    test_ids = {d.id for d in docs}
    if any(d.id in test_ids for d in extra_train or []):
        raise ValueError("extra training documents overlap the test documents")
    if args.init_model:  # the folds continue from one base model: it must never have trained on a test document
        from pathlib import Path

        base = json.loads((Path(args.init_model) / "vntransfer.json").read_text(encoding="utf-8")).get("training", {})
        seen = sorted(test_ids & set(base.get("train_documents", [])))
        if seen:
            raise ValueError(f"init_model {args.init_model} was trained on test documents ({', '.join(seen[:3])}): "
                             "a base for cross-validation trains on the written and generated text only")
    seen = pretraining_overlap(args.encoder, docs)
    if seen:
        raise ValueError(f"encoder {args.encoder} was pretrained on test documents ({', '.join(seen[:3])}): "
                         "cross-validation takes an encoder pretrained without them (make encoder-cv)")
    # a development set (never a seed) selects each fold's epoch, as it does for the shipped model
    dev_docs = load_documents(top_level_files(args.dev)) if args.dev else []
    if any(d.id in test_ids or d.text in {t.text for t in docs} for d in dev_docs):
        raise ValueError("development documents overlap the test documents")
    from ..text.segmenting import segmented_texts

    segmented_texts([d.text for d in docs + list(extra_train or [])], args.segment)  # once for every fold (on-disk cache)
    parallel = jobs > 1 and len(docs) > 1
    fold_args = dataclasses.replace(args, progress=False) if parallel else args  # no interleaved progress bars
    folds = [(k, fold_args, work_dir, docs, dev_docs, list(extra_train or []), baselines) for k in range(len(docs))]
    if parallel:
        import multiprocessing
        import os
        from concurrent.futures import ProcessPoolExecutor

        jobs = min(jobs, len(docs))
        threads = max(1, (os.cpu_count() or 1) // jobs)  # the cores shared out: a fold's small ops gain little from two threads
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_fold_worker,
                                 initargs=(threads, logging.getLogger().level)) as pool:
            results = list(pool.map(_run_fold, folds))
    else:
        results = [_run_fold(fold) for fold in folds]
    preds: dict[str, list[Document]] = {MODEL: [r["model"] for r in results],
                                        **{name: [r["baselines"][name] for r in results] for name in baselines}}
    repaired: dict[str, list[Document]] = {name: [r["repaired"][name] for r in results] for name in results[0]["repaired"]} \
        if results else {}
    kept_epochs = [r["kept_epoch"] for r in results]
    return {
        "kind": "cv",
        "package_version": __version__,
        "data_hash": data_hash(docs),
        "seed": args.seed,
        "arguments": dataclasses.asdict(args),
        "documents": [d.id for d in docs],
        "extra_training_documents": len(extra_train or []),
        "dev_documents": len(dev_docs),
        "kept_epochs": kept_epochs,
        "encoder_pretraining": _pretraining_info(args.encoder),
        "gold": [d.to_dict() for d in docs],
        "systems": {name: summarise(docs, p, bootstrap) for name, p in preds.items()},
        "repairs": {name: score_documents(docs, p) for name, p in repaired.items()},
    }


def _fold_worker(threads: int, log_level: int) -> None:
    """A fold process: its share of the cores, and the parent's log level (training logs each epoch)."""
    import torch

    torch.set_num_threads(threads)
    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s [fold process]: %(message)s")
    logging.getLogger("vntransfer.training").setLevel(min(log_level, logging.INFO))  # each epoch, in place of bars


def _run_fold(fold: tuple) -> dict:
    """Fold k: train on every document but the k-th (plus the extra text), keep the best dev epoch, predict the
    held-out document with the repairs and without each, and the baselines trained on the same side."""
    k, args, work_dir, docs, dev_docs, extra_train, baselines = fold
    test = docs[k]
    fold_args = dataclasses.replace(
        args, output_dir=f"{work_dir}/fold-{k}/model", checkpoint_dir=f"{work_dir}/fold-{k}/checkpoint",
        encoder_dir=f"{work_dir}/fold-{k}/encoder" if args.encoder == "default" else args.encoder_dir)
    train_docs = [d for d in docs if d.id != test.id]
    extractor, history = train(fold_args, train_docs=train_docs, dev_docs=dev_docs, save=False, extra_docs=extra_train)
    result = {"kept_epoch": kept_epoch(history)["epoch"], "model": extractor.predict(test.text, id=test.id),
              "repaired": {}, "baselines": {}}
    repairs = extractor.settings.repairs
    for name, chosen in repair_variants(repairs).items():  # the same weights, decoded without a repair
        extractor.settings.repairs = chosen
        result["repaired"][name] = extractor.predict(test.text, id=test.id)
    extractor.settings.repairs = repairs
    for name, make in baselines.items():
        result["baselines"][name] = make(train_docs + extra_train)(test.text, test.id)
    return result


def repair_variants(repairs: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The decoding without any repair and without each one in turn (what each repair is worth)."""
    out = {"no repairs": ()}
    for r in repairs:
        out[f"without {r}"] = tuple(x for x in repairs if x != r)
    return out


def pretraining_overlap(encoder: str, docs: list[Document]) -> list[str]:
    """Ids of `docs` whose text was among the masked-LM pretraining text of `encoder` (the sources its
    pretrained.json names: .txt files and SPEC.md documents); [] for an encoder without that record."""
    from pathlib import Path

    from .pretraining import source_texts

    info = _pretraining_info(encoder)
    if not info:
        return []
    texts = {t.strip() for t in source_texts([s for s in info.get("sources", []) if Path(s).exists()])}
    return [d.id for d in docs if d.text.strip() in texts]


def _pretraining_info(encoder: str) -> Optional[dict]:
    from pathlib import Path

    path = Path(encoder) / "pretrained.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def evaluate_model(docs: list[Document], predict: Callable[[list[Document]], list[Document]], name: str,
                   bootstrap: int = 1000, meta: Optional[dict] = None,
                   baselines: Optional[dict[str, Callable[[str, str], Document]]] = None,
                   extractor=None) -> dict:
    """A report of the same shape for one trained model on an annotated set (no training), with the
    baselines (name -> predict(text, id)) scored on the same documents. With the model's `extractor`, also
    what each decoding repair is worth: the same model decoded without any and without each in turn."""
    systems = {name: summarise(docs, predict(docs), bootstrap)}
    for base, base_predict in (baselines or {}).items():
        systems[base] = summarise(docs, [base_predict(d.text, d.id) for d in docs], bootstrap)
    repaired = {}
    if extractor is not None:
        repairs = extractor.settings.repairs
        try:
            for variant, chosen in repair_variants(repairs).items():
                extractor.settings.repairs = chosen
                repaired[variant] = score_documents(docs, predict(docs))
        finally:
            extractor.settings.repairs = repairs
    return {"kind": "heldout", "package_version": __version__, "data_hash": data_hash(docs), "seed": None,
            "arguments": meta or {}, "documents": [d.id for d in docs], "gold": [d.to_dict() for d in docs],
            "systems": systems, "repairs": repaired}


ABLATION_METRICS = ("entity micro-F1", "entity macro-F1", "relation strict F1", "event-argument F1")


def ablation_rows(args: TrainingArguments, pretrained_encoder: str, written: list[str], generated: list[str]) -> list[tuple[str, TrainingArguments]]:
    """The ablation of the training-data issue: what each source of signal adds, one CV run per row."""
    base = dataclasses.replace(args, encoder="default", extra_train=[])
    return [
        ("seeds only", base),
        ("+ generated", dataclasses.replace(base, extra_train=generated)),
        ("+ written", dataclasses.replace(base, extra_train=written)),
        ("+ pretrained encoder", dataclasses.replace(base, encoder=pretrained_encoder)),
        ("all", dataclasses.replace(base, encoder=pretrained_encoder, extra_train=written + generated)),
    ]


def run_ablation(docs: list[Document], rows: list[tuple[str, TrainingArguments]], work_dir: str, bootstrap: int = 200,
                 jobs: int = 1) -> dict:
    results = {}
    for name, row_args in rows:
        report = cross_validate(docs, row_args, work_dir=f"{work_dir}/{name.replace(' ', '_').replace('+', 'plus')}",
                                bootstrap=bootstrap, baselines={}, jobs=jobs)
        results[name] = {"arguments": dataclasses.asdict(row_args), "summary": report["systems"][MODEL]["summary"],
                         "extra_training_documents": report["extra_training_documents"]}
    return {"package_version": __version__, "data_hash": data_hash(docs), "documents": [d.id for d in docs], "rows": results}


def ablation_markdown(ablation: dict) -> str:
    lines = ["| training signal | extra documents | " + " | ".join(ABLATION_METRICS) + " |",
             "|---" * (len(ABLATION_METRICS) + 2) + "|"]
    for name, row in ablation["rows"].items():
        cells = []
        for m in ABLATION_METRICS:
            s = row["summary"][m]
            cells.append(f"{s['pooled']:.3f} [{s['ci95'][0]:.3f}–{s['ci95'][1]:.3f}]")
        lines.append(f"| {name} | {row['extra_training_documents']} | " + " | ".join(cells) + " |")
    epochs = sorted({row["arguments"]["epochs"] for row in ablation["rows"].values()})
    lines += ["", f"Leave-one-document-out over the {len(ablation['documents'])} seed documents only (pooled F1, "
              f"bootstrap 95% interval; {'/'.join(map(str, epochs))} epochs per fold); written and generated text only "
              f"ever join the training side; the pretrained encoder saw no seed text. "
              f"Package {ablation['package_version']}, data hash {ablation['data_hash']}."]
    return "\n".join(lines)


#: the entity decoders the decoder ablation compares: name -> TrainingArguments changes
DECODERS = {"independent softmax": {"crf": False}, "CRF": {"crf": True}}
#: arguments that say where things go or how a run shows itself, not what is trained
_NOT_RECIPE = ("output_dir", "checkpoint_dir", "progress", "resume")


def recipe_differences(saved: dict, expected: TrainingArguments) -> list[str]:
    """The training arguments in which a saved model's (its vntransfer.json "training.arguments") differ from
    `expected`; arguments newer than the model count as their default."""
    want = dataclasses.asdict(expected)
    defaults = dataclasses.asdict(TrainingArguments())
    return sorted(k for k, v in want.items() if k not in _NOT_RECIPE and saved.get(k, defaults[k]) != v)


def decoder_ablation(args: TrainingArguments, dev_docs: list[Document], work_dir: str,
                     models: Optional[dict[str, str]] = None) -> dict:
    """Each decoder of DECODERS trained with the same recipe (`args`, which selects its epoch on `dev_docs`
    as the shipped model does) and scored on `dev_docs` with the repairs of the recipe and without any.
    `models`: decoder name -> a model folder already trained with that recipe (checked), instead of training."""
    from pathlib import Path

    from ..pipeline import load

    rows = {}
    for name, change in DECODERS.items():
        slug = name.split()[-1].lower()
        recipe = dataclasses.replace(args, output_dir=f"{work_dir}/{slug}", checkpoint_dir=f"{work_dir}/checkpoint-{slug}",
                                     **change)
        if models and name in models:
            saved = json.loads((Path(models[name]) / "vntransfer.json").read_text(encoding="utf-8"))
            differ = recipe_differences(saved.get("training", {}).get("arguments", {}), recipe)
            if differ:
                raise ValueError(f"{models[name]}: trained with other arguments than the recipe ({', '.join(differ)})")
            extractor = load(models[name])
        else:
            extractor, _ = train(recipe, dev_docs=dev_docs, save=False)
        repairs = extractor.settings.repairs
        for variant, chosen in (("repairs", repairs), ("no repairs", ())):
            extractor.settings.repairs = chosen
            pred = extractor.predict_many([d.text for d in dev_docs], ids=[d.id for d in dev_docs])
            rows[f"{name}, {variant}"] = score_documents(dev_docs, pred, with_seqeval=False)
        extractor.settings.repairs = repairs
    return {"package_version": __version__, "data_hash": data_hash(dev_docs), "documents": len(dev_docs),
            "arguments": dataclasses.asdict(args), "rows": rows}


def decoder_markdown(result: dict) -> str:
    lines = ["| decoder | entity micro-F1 | relation strict F1 | APPOINTED_TO F1 | event-argument F1 |", "|---|---|---|---|---|"]
    for name, s in result["rows"].items():
        appointed = s["relations"]["strict"].get("per_type", {}).get("APPOINTED_TO", {}).get("f1")
        cells = [s["entities"]["micro"]["f1"], s["relations"]["strict"]["micro"]["f1"], appointed,
                 s["events"]["arguments"]["f1"]]
        lines.append(f"| {name} | " + " | ".join("–" if c is None else f"{c:.3f}" for c in cells) + " |")
    a = result["arguments"]
    lines += ["", f"The {result['documents']} development documents (each model selects its epoch on them, as the shipped "
              f"model does: not held-out figures); each decoder trained with the same recipe (`{a.get('encoder')}` encoder, "
              f"{a.get('epochs')} epochs, seed {a.get('seed')}), decoded with the recipe's repairs and without any. "
              f"Package {result['package_version']}, data hash {result['data_hash']}."]
    return "\n".join(lines)
