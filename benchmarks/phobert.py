"""The PhoBERT path timed on this machine: PhoBERT's own tokenizer with a randomly initialised encoder of
phobert-base's shape (12 layers, 768 hidden, 64,001-token vocabulary), exactly as a user with the
checkpoint would run it: made, trained, saved, loaded and used to predict.

    python benchmarks/phobert.py [--tokenizer DIR] [--docs 10] [--readme README.md]

Times (CPU, or a GPU where torch sees one): `vntransfer init-encoder`'s work, the training steps of one
epoch over one seed document (batch 8), saving, `vntransfer.load`, and `predict_many` over dev40 texts
beside the shipped model on the same texts in the same run (segmentation done once beforehand, so both
are timed on the encoder and heads alone). Peak resident memory after each stage. Writes the key
"phobert_base" of benchmarks/results.json and README's `phobert` block.
"""
from __future__ import annotations

import argparse
import math
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from results_file import store  # benchmarks/: the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

RESULTS = ROOT / "benchmarks" / "results.json"
TRAIN_DOC = ROOT / "annotations" / "003_3a10643180a6da17.json"


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def clock(fn):
    started = time.perf_counter()
    out = fn()
    return out, round(time.perf_counter() - started, 3)


def predict_rate(extractor, texts: list[str], syllables: int) -> dict:
    extractor.predict(texts[0][:200])  # lazy first-call work (lexicons, gazetteer) outside the timing
    _, seconds = clock(lambda: extractor.predict_many(texts))
    return {"seconds": seconds, "syllables_per_s": round(syllables / seconds, 1)}


def run(tokenizer_dir: Path, n_docs: int) -> dict:
    import torch

    import vntransfer
    from vntransfer.model.batching import document_examples
    from vntransfer.annotation.corpus import load_documents
    from vntransfer.model.phobert import init_encoder
    from vntransfer.text.syllables import split_syllables
    from vntransfer.training.trainer import TrainingArguments, train
    from vntransfer.text.words import segment_words

    result = {"machine": {"cpus": __import__("os").cpu_count(), "torch_threads": torch.get_num_threads(),
                          "device": "cuda" if torch.cuda.is_available() else "cpu", "python": platform.python_version(),
                          "torch": torch.__version__}}
    texts = [d.text for d in load_documents([ROOT / "data" / "dev" / "dev40.jsonl"])[:n_docs]]
    syllables = sum(len(split_syllables(t)) for t in texts)
    train_doc = load_documents([TRAIN_DOC])
    for t in texts + [d.text for d in train_doc]:
        segment_words(t)  # underthesea once, outside every timing (its results are cached in-process)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _, result["init_encoder_s"] = clock(lambda: init_encoder(tokenizer_dir, tmp / "enc", like="phobert-base"))
        result["peak_rss_mb_after_init"] = peak_rss_mb()
        args = TrainingArguments(train=[], dev=[], encoder=str(tmp / "enc"), output_dir=str(tmp / "model"),
                                 checkpoint_dir=str(tmp / "ck"), epochs=1, batch_size=8, progress=False,
                                 spelling="tone_on_final_vowel")
        (extractor, history), train_s = clock(lambda: train(args, train_docs=train_doc, dev_docs=[], save=False))
        windows = len([x for d in train_doc for x in document_examples(d, extractor.encoder)])
        steps = math.ceil(windows / args.batch_size)
        result["parameters_millions"] = round(sum(p.numel() for p in extractor.model.parameters()) / 1e6, 1)
        result["training"] = {"document": TRAIN_DOC.name, "windows": windows, "batch_size": args.batch_size, "steps": steps,
                              "epoch_s": history[0]["seconds"], "seconds_per_step": round(history[0]["seconds"] / steps, 3),
                              "setup_s": round(train_s - history[0]["seconds"], 3)}
        result["peak_rss_mb_after_training"] = peak_rss_mb()
        _, result["save_s"] = clock(lambda: extractor.save(tmp / "model"))
        result["saved_mb"] = round(sum(p.stat().st_size for p in (tmp / "model").iterdir()) / 2**20, 1)
        del extractor
        loaded, result["load_s"] = clock(lambda: vntransfer.load(tmp / "model"))
        shipped, result["shipped_load_s"] = clock(lambda: vntransfer.load(ROOT / "models" / "default"))
        result["prediction"] = {"documents": len(texts), "syllables": syllables,
                                "phobert_base_shape": predict_rate(loaded, texts, syllables),
                                "shipped_model": predict_rate(shipped, texts, syllables)}
        p = result["prediction"]
        p["shipped_speedup"] = round(p["phobert_base_shape"]["seconds"] / p["shipped_model"]["seconds"], 2)
        result["peak_rss_mb"] = peak_rss_mb()
    return result


def markdown(r: dict) -> str:
    t, p = r["training"], r["prediction"]
    m = r["machine"]
    return "\n".join([
        "| stage | PhoBERT-base shape (random weights, PhoBERT's tokenizer) |", "|---|---|",
        f"| parameters (encoder + heads) | {r['parameters_millions']} M |",
        f"| `vntransfer init-encoder` | {r['init_encoder_s']:.1f} s |",
        f"| training step (batch {t['batch_size']}, {t['steps']} steps over {t['windows']} windows of one seed document) | "
        f"{t['seconds_per_step']:.2f} s |",
        f"| save | {r['save_s']:.1f} s ({r['saved_mb']:.0f} MB) |",
        f"| `vntransfer.load` | {r['load_s']:.1f} s (shipped model: {r['shipped_load_s']:.1f} s) |",
        f"| prediction, {p['documents']} dev40 texts ({p['syllables']:,} syllables) | "
        f"{p['phobert_base_shape']['syllables_per_s']:,.0f} syllables/s (shipped model, same run: "
        f"{p['shipped_model']['syllables_per_s']:,.0f}, {p['shipped_speedup']:.1f}× faster) |",
        f"| peak resident memory | {r['peak_rss_mb']:,.0f} MB (after training: {r['peak_rss_mb_after_training']:,.0f} MB) |",
        "",
        f"On {m['device']} ({m['cpus']} CPUs, {m['torch_threads']} torch threads, torch {m['torch']}); segmentation done "
        "beforehand for both models. Made by `python benchmarks/phobert.py --readme README.md`.",
    ])


def main() -> int:
    from vntransfer.model.phobert import find_tokenizer_dir

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokenizer", help="folder with PhoBERT's vocab.txt and bpe.codes (default: as the tests find it)")
    ap.add_argument("--docs", type=int, default=10, help="dev40 texts to predict")
    ap.add_argument("--readme", help="write the `phobert` block of this README from the result")
    a = ap.parse_args()
    folder = Path(a.tokenizer) if a.tokenizer else find_tokenizer_dir()
    if folder is None:
        print("error: no PhoBERT tokenizer folder (../shared/phobert-tokenizer or $VNTRANSFER_PHOBERT_TOKENIZER)", file=sys.stderr)
        return 2
    result = run(folder, a.docs)
    store("phobert_base", result, RESULTS)
    print(markdown(result))
    if a.readme:
        from vntransfer.evaluation.report import update_readme

        update_readme(a.readme, markdown(result), marker="phobert")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
