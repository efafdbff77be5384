"""Throughput of `predict_many`, of `predict-corpus` on Ray Data (1 worker, then --workers) and of
underthesea's `ner`, on the same text, in one run.

    python benchmarks/throughput.py [--model DIR] [--syllables 400000] [--workers 2] [--profile]
    python benchmarks/throughput.py --readme      # README's performance table and docs/scale.md's cost
                                                  # estimate from results.json

The seed texts are repeated until they hold at least --syllables syllables. Reports syllables and
documents per second, peak resident memory of the extractor (measured before underthesea runs) and
model load time; writes benchmarks/results.json. The Ray rate is each worker's syllables over its own span
(its first shard's start to its last shard's end), summed over the workers: the pool's rate with all of them
running. Ray's start, the actors' start and their model loading, paid once per job, are reported apart; each
Ray worker has one CPU and one torch thread, and the segmentation cache is off there too.
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
#: docs/scale.md's estimate: articles, assumed price of a CPU core for an hour (dollars; an input, not a quote), cluster size
ARTICLES, PRICE_PER_CORE_HOUR, CLUSTER_CORES = 10_000_000, 0.05, 64


def corpus(min_syllables: int) -> list[str]:
    from vntransfer.text.syllables import split_syllables

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


def _no_segmentation_cache() -> None:
    """The corpus repeats the seeds, so caches would flatter the rate: the per-sentence word cache and the
    segmenter's caches of token pairs and triples off. Run in every measured process (single, plain, Ray worker)."""
    import vntransfer.text.words as words
    from vntransfer.text import segmenter

    words._word_sizes = getattr(words._word_sizes, "__wrapped__", words._word_sizes)
    fast = segmenter.load()
    if fast is not None:
        fast.pair, fast.triple = fast._pair, fast._triple


def run_ray(texts: list[str], syllables: int, model: str | None, workers: list[int], batch_size: int,
            shard_size: int, rounds: int = 1) -> dict:
    """predict-corpus on a local Ray with `max(workers)` CPUs, once per worker count and round (the worker counts
    alternating, so that a slower spell of the machine falls on both), on `texts`. Per worker count: the run of
    the median rate, with every round's rate in "rounds_syllables_per_s"."""
    import tempfile

    import ray

    from vntransfer.serving.corpus_job import predict_corpus

    ray.init(address="local", num_cpus=max(workers), include_dashboard=False, object_store_memory=512 * 1024 * 1024,
             runtime_env={"worker_process_setup_hook": _no_segmentation_cache})
    from vntransfer.text.syllables import split_syllables

    syllables_of = [len(split_syllables(t)) for t in texts]

    def shard_docs(index: int) -> range:  # one JSONL file: shard k holds lines [k*S, (k+1)*S)
        return range(index * shard_size, min(len(texts), (index + 1) * shard_size))

    out = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "corpus.jsonl"
            src.write_text("".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n"
                                   for i, t in enumerate(texts)), encoding="utf-8")
            for n in [n for _ in range(rounds) for n in workers]:
                t0 = time.perf_counter()
                summary = predict_corpus([src], Path(tmp) / f"out-{n}-{len(out.get(str(n), []))}", model, workers=n,
                                         shard_size=shard_size,
                                         batch_size=batch_size, progress=False)
                wall = time.perf_counter() - t0
                assert summary["documents"] == len(texts) and not summary["errors"], summary["first_errors"]
                shards = summary["per_shard"]
                # the pool's rate with every worker running: each worker's share of the text over its own span
                # (first shard's start to last shard's end), summed; the actors start one after another, and
                # the time before the last one is ready is startup, paid once per job
                rate = 0.0
                for worker in {r["worker"] for r in shards}:
                    mine = [r for r in shards if r["worker"] == worker]
                    share = sum(syllables_of[k] for r in mine for k in shard_docs(r["shard"]))
                    rate += share / (max(r["finished"] for r in mine) - min(r["started"] for r in mine))
                busy = syllables / rate
                out.setdefault(str(n), []).append(
                    {"workers": n, "seconds": busy, "syllables_per_s": rate, "documents_per_s": len(texts) / busy,
                     "job_seconds": wall, "startup_s": wall - busy, "shards": len(shards), "shard_size": shard_size,
                     "workers_seen": len({r["worker"] for r in shards})})
    finally:
        ray.shutdown()
    chosen = {}
    for n, runs in out.items():
        median = sorted(runs, key=lambda r: r["syllables_per_s"])[(len(runs) - 1) // 2]
        chosen[n] = {**median, "rounds_syllables_per_s": [r["syllables_per_s"] for r in runs]}
    return chosen


def plain_child(model: str | None, min_syllables: int, batch_size: int) -> None:
    """One plain process (no Ray), one torch thread, caches off as in the Ray workers: prints its syllables/s."""
    import torch

    torch.set_num_threads(1)
    from vntransfer.pipeline import load
    from vntransfer.text.syllables import split_syllables

    texts = corpus(min_syllables)
    extractor = load(model)
    _no_segmentation_cache()
    extractor.predict(texts[0][:200])
    t0 = time.perf_counter()
    extractor.predict_many(texts, batch_size=batch_size)
    print(json.dumps({"syllables_per_s": sum(len(split_syllables(t)) for t in texts) / (time.perf_counter() - t0)}))


def run_plain(model: str | None, min_syllables: int, batch_size: int, n: int) -> dict:
    """The ceiling for n Ray workers: one plain one-thread process alone, then n of them side by side."""
    import subprocess

    cmd = [sys.executable, __file__, "--plain-child", "--syllables", str(min_syllables), "--batch-size", str(batch_size)]
    cmd += ["--model", model] if model else []

    def together(k: int) -> list[float]:
        procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for _ in range(k)]
        return [json.loads(p.communicate()[0].strip().splitlines()[-1])["syllables_per_s"] for p in procs]

    alone, side = together(1)[0], together(n)
    return {"processes": n, "alone_syllables_per_s": alone, "each_syllables_per_s": side,
            "speedup": sum(side) / alone}


def run(model: str | None, min_syllables: int, batch_size: int, profile: bool, workers: int = 2,
        shard_size: int = 16, rounds: int = 3) -> dict:
    from vntransfer.text.syllables import split_syllables

    texts = corpus(min_syllables)
    syllables = sum(len(split_syllables(t)) for t in texts)
    t0 = time.perf_counter()
    from vntransfer.pipeline import load

    extractor = load(model)
    load_s = time.perf_counter() - t0
    _no_segmentation_cache()
    extractor.predict(texts[0][:200])  # warm-up: lazy imports and the segmenter's model
    t0 = time.perf_counter()
    docs = extractor.predict_many(texts, batch_size=batch_size)
    ours_s = time.perf_counter() - t0
    ours_peak = peak_rss_mb()
    assert len(docs) == len(texts)

    ray_runs = run_ray(texts, syllables, model, sorted({1, workers}), batch_size, shard_size, rounds) if workers else {}
    plain = run_plain(model, min_syllables, batch_size, workers) if workers > 1 else None

    from underthesea import ner

    from vntransfer.text.words import split_sentences

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
    if plain:
        result["plain_processes"] = plain
    if ray_runs:
        result["ray"] = ray_runs
        # per round: the rate of n workers over the rate of one worker measured just before; the median round's ratio
        ratios = {n: [a / b for a, b in zip(r["rounds_syllables_per_s"], ray_runs["1"]["rounds_syllables_per_s"])]
                  for n, r in ray_runs.items()}
        result["ray_speedup"] = {n: sorted(v)[(len(v) - 1) // 2] for n, v in ratios.items()}
        result["ray_speedup_rounds"] = ratios
    if profile:
        result["profile"] = profile_stages(extractor, texts[:10])
    return result


def readme_table(results: dict) -> str:
    v, u = results["vntransfer"], results["underthesea_ner"]
    ray = results.get("ray", {})
    runs = sorted(ray.values(), key=lambda r: r["workers"])
    heads = ["single process"] + [f"Ray Data, {_count(r['workers'], 'worker')}" for r in runs]
    rates = [v] + runs
    dash = " | –" * len(runs)
    lines = [
        "| measure | " + " | ".join(heads) + " | underthesea `ner` |", "|---" * (len(heads) + 2) + "|",
        "| syllables per second | " + " | ".join(f"{r['syllables_per_s']:,.0f}" for r in rates)
        + f" | {u['syllables_per_s']:,.0f} |",
        "| documents per second | " + " | ".join(f"{r['documents_per_s']:.2f}" for r in rates) + " | – |",
        "| speed ratio to underthesea `ner` (same run, same text) | "
        + " | ".join(f"{u['seconds'] / r['seconds']:.2f}×" for r in rates) + " | 1× |",
    ]
    if runs:
        rounds = results.get("ray_speedup_rounds", {})

        def ratio(n: str) -> str:
            each = rounds.get(n, [])
            return f"{results['ray_speedup'][n]:.2f}×" + (
                f" (median of {len(each)} rounds: {', '.join(f'{x:.2f}' for x in each)})" if len(each) > 1 and n != "1" else "")

        lines.append("| speed ratio to 1 Ray worker | – | " + " | ".join(ratio(str(r["workers"])) for r in runs) + " | – |")
        plain = results.get("plain_processes")
        if plain:
            lines.append(f"| without Ray: {plain['processes']} plain one-thread processes side by side, ratio to one "
                         "alone | – | 1.00× | " + " | ".join(f"{plain['speedup']:.2f}×" if r["workers"] == plain["processes"]
                                                           else "–" for r in runs[1:]) + " | – |")
        lines.append("| job start (Ray, actors, model loading; once per job) | – | " + " | ".join(
            f"{r['startup_s']:.1f} s" for r in runs) + " | – |")
    lines += [
        f"| peak resident memory | {v['peak_rss_mb']:.0f} MB{dash} | – |",
        f"| model load time | {v['model_load_s']:.2f} s{dash} | – |",
        "", f"{results['syllables']:,} syllables in {results['documents']} documents (the seed texts repeated), "
            f"batch size {results['batch_size']}, {results['machine']['cpus']} CPUs, segmentation caches off "
            "(per sentence, per pair and triple of tokens); "
            "load time includes importing torch and transformers"
            + (f"; Ray Data: `predict-corpus` with one CPU and one torch thread per worker, shards of "
               f"{runs[0]['shard_size']} documents, rate: each worker's syllables over its own span (first shard's start to "
               "last shard's end), summed over the workers; the job start is the rest of the job's time"
               if runs else "") + "; `python benchmarks/throughput.py`.",
    ]
    return "\n".join(lines)


def cost_block(results: dict, articles: int, price: float, cluster_cores: int) -> str:
    """docs/scale.md's estimate for `articles` articles from the measured per-core (1 Ray worker) rate."""
    one, most = results["ray"]["1"], max(results["ray"], key=int)
    per_doc = results["syllables"] / results["documents"]
    core_hours = articles * per_doc / one["syllables_per_s"] / 3600
    lines = [
        f"Measured (`python benchmarks/throughput.py --profile`, {results['machine']['cpus']} CPUs): one Ray worker "
        f"(one CPU, one torch thread) predicts **{one['syllables_per_s']:,.0f} syllables/s** "
        f"({one['documents_per_s']:.2f} documents/s of {per_doc:,.0f} syllables, the seed articles' mean length); "
        f"{_count(int(most), 'worker')} ran at {results['ray_speedup'][most]:.2f}× one worker's rate in the same run.",
        "",
        "| estimate for {:,} articles of {:,.0f} syllables | value | arithmetic |".format(articles, per_doc),
        "|---|---|---|",
        f"| CPU core-hours | {core_hours:,.0f} | {articles:,} × {per_doc:,.0f} syllables ÷ "
        f"{one['syllables_per_s']:,.0f} syllables/s ÷ 3600 |",
        f"| wall time on {cluster_cores} cores | {core_hours / cluster_cores:,.1f} h | core-hours ÷ {cluster_cores}, "
        "shards being independent (linear scaling assumed past the workers measured here) |",
        f"| cost at ${price:.3f} per core-hour | ${core_hours * price:,.0f} | core-hours × price (the price is an "
        "input, `--price-per-core-hour`, not a quote: put your provider's) |",
    ]
    profile = results.get("profile")
    if profile:
        model_share = profile.get("encoder forward", 0) + profile.get("relation head", 0)
        cpu_share = 1 - model_share
        lines += [
            f"| GPU node, upper bound (estimate, not measured) | {one['syllables_per_s'] / cpu_share:,.0f} syllables/s per "
            f"CPU core feeding the GPU | the network's share of the time ({model_share:.0%}: encoder forward and relation "
            f"head, profiled) taken to zero; segmentation and decoding ({cpu_share:.0%}) stay on the CPU cores |",
            f"| CPU core-hours on GPU nodes (estimate) | {core_hours * cpu_share:,.0f} + the GPU-hours of the same "
            "wall time | core-hours × the CPU share |",
        ]
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model")
    p.add_argument("--syllables", type=int, default=400_000)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--profile", action="store_true", help="also profile the pipeline stages on a sample")
    p.add_argument("--workers", type=int, default=2, help="Ray Data workers to measure beside 1 (0: no Ray runs)")
    p.add_argument("--rounds", type=int, default=3,
                   help="Ray runs per worker count (alternating); the table gives the median, and every round's ratio")
    p.add_argument("--shard-size", type=int, default=16,
                   help="documents per predict-corpus shard (the command's default is 1000; each shard costs a read and a write)")
    p.add_argument("--articles", type=int, default=ARTICLES, help="docs/scale.md: articles in the estimate")
    p.add_argument("--price-per-core-hour", type=float, default=PRICE_PER_CORE_HOUR,
                   help="docs/scale.md: assumed price of one CPU core for an hour, in dollars (an input, not a quote)")
    p.add_argument("--cluster-cores", type=int, default=CLUSTER_CORES, help="docs/scale.md: cores of the cluster in the estimate")
    p.add_argument("--plain-child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--readme", action="store_true", help="only write README's performance table from results.json")
    p.add_argument("--out", default=str(RESULTS))
    a = p.parse_args()
    if a.plain_child:
        sys.path.insert(0, str(ROOT / "src"))
        plain_child(a.model, a.syllables, a.batch_size)
        return 0
    if a.readme:
        sys.path.insert(0, str(ROOT / "src"))
        from vntransfer.evaluation.report import update_readme

        results = json.loads(Path(a.out).read_text())
        update_readme(ROOT / "README.md", readme_table(results), marker="performance")
        if "ray" in results:
            update_readme(ROOT / "docs" / "scale.md", cost_block(results, a.articles, a.price_per_core_hour,
                                                                 a.cluster_cores), marker="cost")
        return 0
    result = run(a.model, a.syllables, a.batch_size, a.profile, a.workers, a.shard_size, a.rounds)
    # other benchmarks keep their own keys in the same file: replace only this one's
    previous = json.loads(Path(a.out).read_text(encoding="utf-8")) if Path(a.out).is_file() else {}
    kept = {k: v for k, v in previous.items()
            if k not in ("ray", "ray_speedup", "ray_speedup_rounds", "profile", "plain_processes")}
    Path(a.out).write_text(json.dumps({**kept, **result}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(readme_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
