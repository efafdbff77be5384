"""README's performance table and docs/scale.md's cost estimate are the ones rendered from benchmarks/results.json."""
from __future__ import annotations

import importlib.util
import json

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
    assert set(results["ray"]) >= {"1", "2"}  # one worker and two, measured in the same run
    block = throughput.cost_block(results, throughput.ARTICLES, throughput.PRICE_PER_CORE_HOUR, throughput.CLUSTER_CORES)
    one = results["ray"]["1"]
    core_hours = throughput.ARTICLES * results["syllables"] / results["documents"] / one["syllables_per_s"] / 3600
    assert f"| CPU core-hours | {core_hours:,.0f} |" in block
    doc = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    assert doc.split("<!-- cost:start -->\n")[1].split("<!-- cost:end -->")[0].strip() == block.strip()
