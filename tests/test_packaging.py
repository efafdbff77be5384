"""The wheel carries the shipped model, and `vntransfer.load()` finds it once installed (no checkout)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from vntransfer import pipeline

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "models" / "default"
needs_model = pytest.mark.skipif(not (SHIPPED / "vntransfer.json").is_file(), reason="no shipped model in this checkout")


def _source_copy(dst: Path) -> Path:
    """What a wheel is built from (pyproject, setup.py, sources, the shipped model), outside the checkout so
    that its build/ folder and egg-info stay untouched."""
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(ROOT / name, dst / name)
    shutil.copytree(ROOT / "src", dst / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "model_data"))
    shutil.copytree(SHIPPED, dst / "models" / "default")
    return dst


def _build_wheel(source: Path, out: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "VNTRANSFER_BUILD_WITHOUT_MODEL"}
    return subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(out)], capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    r = _build_wheel(_source_copy(tmp), tmp / "dist")
    assert r.returncode == 0, r.stderr
    (whl,) = (tmp / "dist").glob("vntransfer-*.whl")
    return whl


def test_default_model_order(monkeypatch, tmp_path):
    checkout, packaged = tmp_path / "checkout" / "models" / "default", tmp_path / "pkg" / "model_data" / "default"
    monkeypatch.setattr(pipeline, "DEFAULT_MODEL", checkout)
    monkeypatch.setattr(pipeline, "PACKAGED_MODEL", packaged)
    monkeypatch.delenv("VNTRANSFER_MODEL", raising=False)
    assert pipeline.default_model_dir() == checkout  # nothing there: the error names the checkout path
    packaged.mkdir(parents=True)
    assert pipeline.default_model_dir() == packaged
    checkout.mkdir(parents=True)
    assert pipeline.default_model_dir() == packaged  # a models/default outside a checkout is not taken
    (tmp_path / "checkout" / "pyproject.toml").write_text("")
    assert pipeline.default_model_dir() == checkout
    monkeypatch.setenv("VNTRANSFER_MODEL", str(tmp_path / "mine"))
    assert pipeline.default_model_dir() == tmp_path / "mine"


@needs_model
def test_wheel_carries_the_shipped_model_byte_for_byte(wheel):
    with zipfile.ZipFile(wheel) as z:
        packaged = {Path(n).name: z.read(n) for n in z.namelist() if n.startswith("vntransfer/model_data/default/")}
    shipped = {p.name: p.read_bytes() for p in SHIPPED.iterdir() if p.is_file() and not p.name.startswith(".")}
    card = packaged.pop("README.md").decode("utf-8")  # models/default's own card, or one written at build time
    shipped.pop("README.md", None)
    assert card.startswith("---\nlanguage:\n- vi\n") and "pipeline_tag: token-classification" in card
    assert packaged.keys() == shipped.keys() and {"model.safetensors", "vntransfer.json", "config.json"} <= packaged.keys()
    assert all(hashlib.sha256(packaged[n]).digest() == hashlib.sha256(shipped[n]).digest() for n in shipped)


@needs_model
def test_wheel_build_refuses_weights_that_differ_from_their_digest(tmp_path):
    source = _source_copy(tmp_path)
    weights = source / "models" / "default" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1] + b"\0")
    r = _build_wheel(source, tmp_path / "dist")
    assert r.returncode != 0 and "weights_sha256" in r.stdout + r.stderr


@pytest.mark.slow
@needs_model
def test_installed_wheel_loads_its_own_model_outside_the_checkout(wheel, tmp_path):
    """A fresh virtual environment with the wheel installed (--no-deps; torch and the rest come from this
    environment's site-packages, added after its own by a .pth file), run from another folder."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    (Path(own) / "zz_host_site_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VNTRANSFER_MODEL")}
    code = ("import json, vntransfer; from vntransfer.pipeline import default_model_dir; "
            "print(json.dumps({'module': vntransfer.__file__, 'model': str(default_model_dir()), "
            "'doc': vntransfer.load().predict('Ông Nguyễn Văn An giữ chức Bí thư Tỉnh ủy Lào Cai.').to_dict()}))")
    r = subprocess.run([str(python), "-c", code], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["module"].startswith(own) and out["model"].startswith(own)
    assert {e["text"] for e in out["doc"]["entities"] if e["type"] == "PERSON"} == {"Nguyễn Văn An"}
