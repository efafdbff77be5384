"""Saving and loading a model directory: atomic replacement, weights digest, tokenizer files (fast: no training)."""
from __future__ import annotations

import json
import shutil

import pytest

from vntransfer.pipeline import ModelLoadError, file_sha256, load

from ..conftest import make_untrained_extractor


def _copy(src, dst):
    shutil.copytree(src, dst)
    return dst


def test_saved_model_records_digest_and_tokenizer_files(tiny_model_dir):
    settings = json.loads((tiny_model_dir / "vntransfer.json").read_text())
    assert settings["weights_sha256"] == file_sha256(tiny_model_dir / "model.safetensors")
    assert {"vocab.txt", "bpe.codes", "tokenizer_config.json"} <= set(settings["tokenizer_files"])
    assert all((tiny_model_dir / f).is_file() for f in settings["tokenizer_files"])
    extractor = load(tiny_model_dir)
    assert "weights_sha256" not in extractor.settings.extra and "tokenizer_files" not in extractor.settings.extra


def test_changed_weights_are_refused_naming_the_file(tmp_path, tiny_model_dir):
    model = _copy(tiny_model_dir, tmp_path / "m")
    data = bytearray((model / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF  # one flipped bit in a weight: still a readable safetensors file
    (model / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match=r"model\.safetensors: SHA-256 .* differs"):
        load(model)


def test_model_without_digest_loads_unchecked(tmp_path, tiny_model_dir):
    model = _copy(tiny_model_dir, tmp_path / "m")
    settings = json.loads((model / "vntransfer.json").read_text())
    del settings["weights_sha256"], settings["tokenizer_files"]
    (model / "vntransfer.json").write_text(json.dumps(settings))
    load(model)
    (model / "tokenizer_config.json").unlink()
    with pytest.raises(ModelLoadError, match="tokenizer_config.json: missing"):
        load(model)


@pytest.mark.parametrize("name", ["vocab.txt", "bpe.codes", "tokenizer_config.json"])
def test_missing_tokenizer_file_is_named(tmp_path, tiny_model_dir, name):
    model = _copy(tiny_model_dir, tmp_path / "m")
    (model / name).unlink()
    with pytest.raises(ModelLoadError, match=f"{name}: missing"):
        load(model)


def test_save_replaces_a_model_atomically_and_keeps_the_old_one_on_failure(tmp_path, tiny_model_dir, monkeypatch):
    target = _copy(tiny_model_dir, tmp_path / "model")
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    extractor = make_untrained_extractor(tmp_path / "enc")
    import safetensors.torch

    def broken_save_file(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(safetensors.torch, "save_file", broken_save_file)
    with pytest.raises(OSError, match="disk full"):
        extractor.save(target)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before  # old model whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["enc", "model"]  # no temporary folder left

    extractor.settings.relation_threshold = 0.25
    assert extractor.save(target) == target
    assert json.loads((target / "vntransfer.json").read_text())["relation_threshold"] == 0.25
    assert load(target).settings.relation_threshold == 0.25
    assert sorted(p.name for p in tmp_path.iterdir()) == ["enc", "model"]  # backup removed


def test_save_refuses_to_replace_a_folder_that_is_not_a_model(tmp_path):
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="refusing"):
        make_untrained_extractor(tmp_path / "enc").save(folder)
    assert (folder / "notes.txt").read_text() == "keep me"


def test_resaving_a_loaded_model_records_the_new_digest(tmp_path, tiny_model_dir):
    extractor = load(tiny_model_dir)
    import torch

    with torch.no_grad():
        next(extractor.model.parameters()).add_(1.0)
    out = extractor.save(tmp_path / "again")
    assert json.loads((out / "vntransfer.json").read_text())["weights_sha256"] == file_sha256(out / "model.safetensors")
    load(out)


def test_default_ids_agree_between_predict_and_predict_many(tiny_model_dir):
    extractor = load(tiny_model_dir)
    assert extractor.predict("Ông An").id == "0"
    assert [d.id for d in extractor.predict_many(["Ông An", "", "Bà Bình"])] == ["0", "1", "2"]
    assert extractor.predict("Ông An", id="x").id == "x"
