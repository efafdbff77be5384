"""benchmarks/load.py runs (tiny counts, the tiny model) and writes its results and README's block."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import ROOT

LOAD = ROOT / "benchmarks" / "load.py"


def _run(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, str(LOAD), *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_load_benchmark_runs_and_fills_the_readme_block(tmp_path, tiny_model_dir):
    out = tmp_path / "load.json"
    r = _run("--model", str(tiny_model_dir), "--clients", "1,2", "--requests", "2", "--max-seconds", "60", "--out", str(out))
    assert r.returncode == 0, r.stderr[-2000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert [x["clients"] for x in results["levels"]] == [1, 2]
    assert [x["requests"] for x in results["levels"]] == [2, 4]
    assert all(x["errors"] == 0 and x["p50_ms"] > 0 and x["p99_ms"] >= x["p50_ms"] for x in results["levels"])
    assert 1300 <= results["text_chars"] <= 1600
    readme = tmp_path / "README.md"
    readme.write_text("a\n<!-- load:start -->\nSTALE\n<!-- load:end -->\nb\n", encoding="utf-8")
    assert _run("--out", str(out), "--readme", str(readme)).returncode == 0
    text = readme.read_text(encoding="utf-8")
    assert "STALE" not in text and "| clients | requests | errors |" in text and text.endswith("<!-- load:end -->\nb\n")


def test_load_benchmark_refuses_addresses_beyond_loopback(tmp_path):
    r = _run("--url", "http://192.0.2.1:8000", "--out", str(tmp_path / "x.json"))
    assert r.returncode != 0 and "only loopback" in r.stderr
