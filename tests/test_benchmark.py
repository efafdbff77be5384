"""README's performance table and docs/scale.md's cost estimate are the ones rendered from benchmarks/results.json."""
from __future__ import annotations

import importlib.util
import json

import pytest

from .conftest import ROOT


def load_throughput():
    spec = importlib.util.spec_from_file_location("throughput", ROOT / "benchmarks" / "throughput.py")
    throughput = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(throughput)
    return throughput


def test_readme_performance_table_comes_from_results_json():
    throughput = load_throughput()
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    table = throughput.readme_table(results)
    assert f"{results['speedup_vs_underthesea_ner']:.2f}×" in table
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- performance:start -->\n")[1].split("<!-- performance:end -->")[0]
    assert block.strip() == table.strip()


def test_scale_cost_estimate_comes_from_results_json():
    throughput = load_throughput()
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    if "ray" not in results:
        pytest.skip("benchmarks/results.json predates the Ray runs: python benchmarks/throughput.py --profile")
    assert set(results["ray"]) >= {"1", "2"}  # one worker and two, measured in the same run
    block = throughput.cost_block(results, throughput.ARTICLES, throughput.PRICE_PER_CORE_HOUR, throughput.CLUSTER_CORES)
    one = results["ray"]["1"]
    core_hours = throughput.ARTICLES * results["syllables"] / results["documents"] / one["syllables_per_s"] / 3600
    assert f"| CPU core-hours | {core_hours:,.0f} |" in block
    doc = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    assert doc.split("<!-- cost:start -->\n")[1].split("<!-- cost:end -->")[0].strip() == block.strip()


def test_tables_with_ray_runs_show_each_worker_count_and_the_arithmetic():
    throughput = load_throughput()
    ray = {n: {"workers": int(n), "seconds": 10 / int(n) * 1.2, "syllables_per_s": 1000 * int(n) / 1.2,
               "documents_per_s": int(n) / 1.2, "startup_s": 9.0, "shard_size": 2} for n in ("1", "2")}
    results = {"machine": {"cpus": 2}, "documents": 10, "syllables": 10_000, "batch_size": 32,
               "vntransfer": {"seconds": 8.0, "syllables_per_s": 1250.0, "documents_per_s": 1.25, "peak_rss_mb": 500.0,
                              "model_load_s": 4.0},
               "underthesea_ner": {"seconds": 20.0, "syllables_per_s": 500.0}, "speedup_vs_underthesea_ner": 2.5,
               "ray": ray, "ray_speedup": {"1": 1.0, "2": 2.0},
               "profile": {"encoder forward": 0.3, "relation head": 0.1}}
    table = throughput.readme_table(results)
    assert "| measure | single process | Ray Data, 1 worker | Ray Data, 2 workers | underthesea `ner` |" in table
    assert "| syllables per second | 1,250 | 833 | 1,667 | 500 |" in table
    assert "| speed ratio to 1 Ray worker | – | 1.00× | 2.00× | – |" in table
    block = throughput.cost_block(results, 1_000_000, 0.05, 10)
    # 1e6 articles x 1000 syllables / 833.3 syllables/s / 3600 = 333 core-hours; x $0.05 = $17
    assert "| CPU core-hours | 333 |" in block and "| cost at $0.050 per core-hour | $17 |" in block
    assert "| wall time on 10 cores | 33.3 h |" in block
    assert "2 workers ran at 2.00× one worker's rate" in block
    assert "40%" in block and "1,389 syllables/s" in block  # GPU bound: 833 / (1 - 0.4)


def test_ray_ratio_is_the_median_round_and_every_round_is_shown():
    throughput = load_throughput()
    ray = {n: {"workers": int(n), "seconds": 1.0, "syllables_per_s": 1000.0 * int(n), "documents_per_s": 1.0,
               "startup_s": 9.0, "shard_size": 2} for n in ("1", "2")}
    results = {"machine": {"cpus": 2}, "documents": 10, "syllables": 10_000, "batch_size": 32,
               "vntransfer": {"seconds": 8.0, "syllables_per_s": 1250.0, "documents_per_s": 1.25, "peak_rss_mb": 500.0,
                              "model_load_s": 4.0},
               "underthesea_ner": {"seconds": 20.0, "syllables_per_s": 500.0},
               "ray": ray, "ray_speedup": {"1": 1.0, "2": 1.74}, "ray_speedup_rounds": {"1": [1.0] * 3, "2": [1.81, 1.68, 1.74]}}
    assert "| speed ratio to 1 Ray worker | – | 1.00× | 1.74× (median of 3 rounds: 1.81, 1.68, 1.74) | – |" in \
        throughput.readme_table(results)
