"""train.py reads flags, or a JSON config followed by flags that override it."""
from __future__ import annotations

import importlib.util
import json

import pytest

from ..conftest import ROOT


def _train_script():
    spec = importlib.util.spec_from_file_location("train_script", ROOT / "train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_config_file_then_overriding_flags(tmp_path):
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"epochs": 8, "output_dir": "models/x", "dev": ["a.jsonl"], "progress": True}))
    args, readme = _train_script().parse_arguments(
        [str(config), "--output_dir", str(tmp_path / "m"), "--no_progress", "--readme", "R.md"])
    assert args.epochs == 8 and args.dev == ["a.jsonl"]           # from the file
    assert args.output_dir == str(tmp_path / "m") and args.progress is False  # the flags win
    assert readme == "R.md"


def test_the_shipped_configs_parse_as_written():
    script = _train_script()
    for name in ("default.json", "cv.json"):
        args, _ = script.parse_arguments([str(ROOT / "configs" / name)])
        assert args.epochs == json.loads((ROOT / "configs" / name).read_text())["epochs"]


def test_an_unknown_setting_in_the_config_names_the_file(tmp_path, capsys):
    config = tmp_path / "bad.json"
    config.write_text(json.dumps({"epochs": 2, "epoch_count": 3}))
    with pytest.raises(SystemExit) as exc:
        _train_script().parse_arguments([str(config)])
    assert exc.value.code == 2
    assert "bad.json: unknown setting(s) epoch_count" in capsys.readouterr().err
