"""Build hook: the wheel carries the shipped model.

Everything else is declared in pyproject.toml. `models/default` stays the one copy in git (train.py writes
it); building a wheel copies its files into `vntransfer/model_data/default/` of the build, so that
`vntransfer.load()` works after `pip install vntransfer-*.whl` without a checkout. The weights are checked
against the `weights_sha256` of its vntransfer.json first (a Git LFS pointer or a half-written model is
refused). `VNTRANSFER_BUILD_WITHOUT_MODEL=1` builds a wheel without it (then `$VNTRANSFER_MODEL` or a path
must be given to `load()`).
"""
import hashlib
import json
import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
MODEL = HERE / "models" / "default"
TARGET = Path("vntransfer") / "model_data" / "default"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def model_files() -> list[Path]:
    """The files of models/default to ship, after checking the weights against their recorded digest."""
    settings = MODEL / "vntransfer.json"
    if not settings.is_file():
        raise SystemExit(f"{settings}: missing, so there is no model to package (train one with `make model`, "
                         "or set VNTRANSFER_BUILD_WITHOUT_MODEL=1)")
    expected = json.loads(settings.read_text(encoding="utf-8")).get("weights_sha256")
    if expected and _sha256(MODEL / "model.safetensors") != expected:
        raise SystemExit(f"{MODEL / 'model.safetensors'}: differs from the weights_sha256 in {settings}; not packaging it")
    return sorted(p for p in MODEL.iterdir() if p.is_file() and not p.name.startswith("."))


class build_py_with_model(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False) or os.environ.get("VNTRANSFER_BUILD_WITHOUT_MODEL") == "1":
            return  # an editable install reads models/default of the checkout itself
        target = Path(self.build_lib) / TARGET
        if target.exists():
            shutil.rmtree(target)  # never ship files of an older model left in build/
        target.mkdir(parents=True)
        for path in model_files():
            shutil.copyfile(path, target / path.name)
        if not (target / "README.md").exists():  # a model saved before cards: write its card from vntransfer.json
            card = _load_card_module()
            card.write_model_card(target)


def _load_card_module():
    """src/vntransfer/model/card.py by path (standard library only; the package itself needs torch)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_vntransfer_card", HERE / "src" / "vntransfer" / "model" / "card.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


setup(cmdclass={"build_py": build_py_with_model})
