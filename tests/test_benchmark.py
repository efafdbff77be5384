"""README's performance table is the one rendered from benchmarks/results.json."""
from __future__ import annotations

import importlib.util
import json

from .conftest import ROOT


def test_readme_performance_table_comes_from_results_json():
    spec = importlib.util.spec_from_file_location("throughput", ROOT / "benchmarks" / "throughput.py")
    throughput = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(throughput)
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    table = throughput.readme_table(results)
    assert f"{results['speedup_vs_underthesea_ner']:.2f}×" in table
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- performance:start -->\n")[1].split("<!-- performance:end -->")[0]
    assert block.strip() == table.strip()
