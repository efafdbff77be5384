"""Throughput of `predict_many` against underthesea's `ner`, on the same text, in one run.

    python benchmarks/throughput.py [--model DIR] [--syllables 100000] [--profile]
    python benchmarks/throughput.py --readme      # README's performance table from results.json

The seed texts are repeated until they hold at least --syllables syllables. Reports syllables and
documents per second, peak resident memory of the extractor (measured before underthesea runs) and
model load time; writes benchmarks/results.json.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import platform
import pstats
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"


def corpus(min_syllables: int) -> list[str]:
    from vntransfer.syllables import split_syllables

    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.txt"))]
    texts, n = [], 0
    while n < min_syllables:
        for t in seeds:
            texts.append(t)
            n += len(split_syllables(t))
    return texts


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def profile_stages(extractor, texts: list[str]) -> dict:
    """Share of time per pipeline stage, from cProfile's cumulative times."""
    prof = cProfile.Profile()
    prof.enable()
    extractor.predict_many(texts)
    prof.disable()
    stats = pstats.Stats(prof)
    total = max(1e-9, sum(v[3] for k, v in stats.stats.items() if k[2] == "predict_many"))
    stages = {"segmentation (underthesea's model, segmenter.py)": "group_words", "sub-word encoding": "windows",
              "encoder forward": "syllable_states", "relation head": "relation_logits", "entity decoding": "decode_entities",
              "event assembly": "assemble_events"}
    out = {}
    for name, func in stages.items():
        out[name] = round(sum(v[3] for k, v in stats.stats.items() if k[2] == func) / total, 3)
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(15)
    out["top_functions"] = buf.getvalue().splitlines()[-25:]
    return out


def run(model: str | None, min_syllables: int, batch_size: int, profile: bool) -> dict:
    from vntransfer.syllables import split_syllables

    import vntransfer.words as words

    # the corpus repeats the seeds: turn off the segmentation cache so every repeat is segmented again,
    # and the segmenter's caches of token pairs and triples (its cache per distinct token stays: a real
    # corpus repeats its syllables as often)
    words._word_sizes = words._word_sizes.__wrapped__
    texts = corpus(min_syllables)
    syllables = sum(len(split_syllables(t)) for t in texts)
    t0 = time.perf_counter()
    from vntransfer.pipeline import load

    extractor = load(model)
    load_s = time.perf_counter() - t0
    from vntransfer import segmenter

    fast = segmenter.load()
    if fast is not None:
        fast.pair, fast.triple = fast._pair, fast._triple
    extractor.predict(texts[0][:200])  # warm-up: lazy imports and the segmenter's model
    t0 = time.perf_counter()
    docs = extractor.predict_many(texts, batch_size=batch_size)
    ours_s = time.perf_counter() - t0
    ours_peak = peak_rss_mb()
    assert len(docs) == len(texts)

    from underthesea import ner

    from vntransfer.words import split_sentences

    ner("Khởi động.")
    t0 = time.perf_counter()
    for t in texts:
        for s, e in split_sentences(t):
            ner(t[s:e])
    ref_s = time.perf_counter() - t0
    result = {
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "documents": len(texts), "syllables": syllables, "batch_size": batch_size,
        "vntransfer": {"seconds": ours_s, "syllables_per_s": syllables / ours_s, "documents_per_s": len(texts) / ours_s,
                       "peak_rss_mb": ours_peak, "model_load_s": load_s},
        "underthesea_ner": {"seconds": ref_s, "syllables_per_s": syllables / ref_s},
        "speedup_vs_underthesea_ner": ref_s / ours_s,
    }
    if profile:
        result["profile"] = profile_stages(extractor, texts[:10])
    return result


def readme_table(results: dict) -> str:
    v, u = results["vntransfer"], results["underthesea_ner"]
    return "\n".join([
        "| measure | vntransfer | underthesea `ner` |", "|---|---|---|",
        f"| syllables per second | {v['syllables_per_s']:,.0f} | {u['syllables_per_s']:,.0f} |",
        f"| documents per second | {v['documents_per_s']:.2f} | – |",
        f"| speed ratio (same run, same text) | {results['speedup_vs_underthesea_ner']:.2f}× | 1× |",
        f"| peak resident memory | {v['peak_rss_mb']:.0f} MB | – |",
        f"| model load time | {v['model_load_s']:.2f} s | – |",
        "", f"{results['syllables']:,} syllables in {results['documents']} documents (the seed texts repeated), "
            f"batch size {results['batch_size']}, {results['machine']['cpus']} CPUs, segmentation caches off "
            "(per sentence, per pair and triple of tokens); "
            "load time includes importing torch and transformers; `python benchmarks/throughput.py`.",
    ])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model")
    p.add_argument("--syllables", type=int, default=100_000)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--profile", action="store_true", help="also profile the pipeline stages on a sample")
    p.add_argument("--readme", action="store_true", help="only write README's performance table from results.json")
    p.add_argument("--out", default=str(RESULTS))
    a = p.parse_args()
    if a.readme:
        sys.path.insert(0, str(ROOT / "src"))
        from vntransfer.report import update_readme

        update_readme(ROOT / "README.md", readme_table(json.loads(Path(a.out).read_text())), marker="performance")
        return 0
    result = run(a.model, a.syllables, a.batch_size, a.profile)
    Path(a.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(readme_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
