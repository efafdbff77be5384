"""What the segmentation cache (segmenting.py) saves when preparing cross-validation's data.

    python benchmarks/segment_cache.py [--readme README.md]

Two fresh processes in turn, with one empty cache folder: the first (cold) segments with underthesea and
writes the cache, the second (warm) reads it. Each prepares the training examples of every fold of
leave-one-document-out cross-validation over the seed documents, with configs/cv.json's extra training
documents, as `cross_validate` does (segmentation of the whole corpus once, then each fold's windows with
the shipped model's tokenizer), and reports the seconds of segmentation and of the folds' examples.
Writes the key "segmentation_cache" of benchmarks/results.json (and README's `segment-cache` block).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results_file import store  # benchmarks/: the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.json"


def prepare() -> dict:
    """One process's preparation of the folds' data (run as a child with the cache folder in the environment)."""
    sys.path.insert(0, str(ROOT / "src"))
    started = time.perf_counter()
    from transformers import AutoTokenizer

    from vntransfer.model.batching import document_examples
    from vntransfer.annotation.corpus import load_documents
    from vntransfer.text.segmenting import segmented_texts
    from vntransfer.model.tensors import WordEncoder
    from vntransfer.training.trainer import top_level_files

    config = json.loads((ROOT / "configs" / "cv.json").read_text(encoding="utf-8"))
    docs = load_documents(top_level_files(config["train"]))
    extra_paths = [p for p in config["extra_train"] if Path(p).exists()]
    extra = load_documents(extra_paths)
    loaded = time.perf_counter()
    segmented = segmented_texts([d.text for d in docs + extra])
    segmentation_s = time.perf_counter() - loaded
    encoder = WordEncoder(AutoTokenizer.from_pretrained(ROOT / "models" / "default", use_fast=False))
    folds_started = time.perf_counter()
    windows = 0
    for test in docs:  # each fold: all seed documents but one, and the extra ones
        train = [(d, s) for d, s in zip(docs + extra, segmented) if d.id != test.id]
        fold = segmented_texts([d.text for d, _ in train])  # what train() asks for: all in memory now
        windows += sum(len(document_examples(d, encoder, sentences=s)) for (d, _), s in zip(train, fold))
    return {"documents": len(docs), "extra_documents": len(extra), "extra_sources": extra_paths,
            "syllables": sum(len(p.syllables) for s in segmented for p in s), "segmentation_s": round(segmentation_s, 3),
            "folds_examples_s": round(time.perf_counter() - folds_started, 3), "fold_windows": windows,
            "process_s": round(time.perf_counter() - started, 3)}


def run() -> dict:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "VNTRANSFER_SEGMENT_CACHE": cache, "PYTHONPATH": str(ROOT / "src")}
        out = {}
        for name in ("cold", "warm"):
            r = subprocess.run([sys.executable, __file__, "--child"], capture_output=True, text=True, env=env, cwd=ROOT)
            if r.returncode:
                raise SystemExit(f"{name} run failed:\n{r.stderr[-3000:]}")
            out[name] = json.loads(r.stdout.strip().splitlines()[-1])
        out["cache_mb"] = round(sum(p.stat().st_size for p in Path(cache).rglob("*") if p.is_file()) / 2**20, 2)
    out["segmentation_speedup"] = round(out["cold"]["segmentation_s"] / out["warm"]["segmentation_s"], 1)
    cold, warm = out["cold"], out["warm"]
    out["preparation_speedup"] = round((cold["segmentation_s"] + cold["folds_examples_s"])
                                       / (warm["segmentation_s"] + warm["folds_examples_s"]), 2)
    out["machine"] = {"cpus": os.cpu_count()}
    return out


def markdown(r: dict) -> str:
    c, w = r["cold"], r["warm"]
    return "\n".join([
        "| cross-validation data | cold (underthesea) | warm (cache) |", "|---|---|---|",
        f"| segmentation of {c['documents']} seed + {c['extra_documents']} extra documents ({c['syllables']:,} syllables) | "
        f"{c['segmentation_s']:.1f} s | {w['segmentation_s']:.2f} s ({r['segmentation_speedup']:.0f}× faster) |",
        f"| examples of the {c['documents']} folds ({c['fold_windows']:,} windows) | {c['folds_examples_s']:.1f} s | "
        f"{w['folds_examples_s']:.1f} s |",
        f"| preparation in all | {c['segmentation_s'] + c['folds_examples_s']:.1f} s | "
        f"{w['segmentation_s'] + w['folds_examples_s']:.1f} s ({r['preparation_speedup']:.2f}× faster) |",
        "",
        f"Two fresh processes in turn, one cache folder ({r['cache_mb']:.1f} MB of Arrow); {r['machine']['cpus']} CPUs. "
        "Made by `python benchmarks/segment_cache.py --readme README.md`.",
    ])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--readme", help="write the `segment-cache` block of this README")
    a = ap.parse_args()
    if a.child:
        print(json.dumps(prepare()))
        return 0
    result = run()
    store("segmentation_cache", result, RESULTS)
    print(markdown(result))
    if a.readme:
        sys.path.insert(0, str(ROOT / "src"))
        from vntransfer.evaluation.report import update_readme

        update_readme(a.readme, markdown(result), marker="segment-cache")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
