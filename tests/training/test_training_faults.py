"""Training fails early on folders it cannot write, and survives a corrupt checkpoint."""
from __future__ import annotations

import logging

import pytest

import vntransfer.training.trainer as training
from vntransfer.training.trainer import TrainingArguments, TrainingSetupError, train

from ..conftest import make_phobert_style_encoder, overfit_documents


def _args(tmp_path, **kw) -> TrainingArguments:
    base = dict(train=[], dev=[], encoder=str(tmp_path / "enc"), output_dir=str(tmp_path / "model"),
                checkpoint_dir=str(tmp_path / "ck"), epochs=1, batch_size=2, progress=False)
    return TrainingArguments(**{**base, **kw})


@pytest.fixture
def no_training(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("training must not start")

    monkeypatch.setattr(training, "build_encoder", refuse)


@pytest.mark.parametrize("key", ["output_dir", "checkpoint_dir"])
def test_unwritable_folders_are_found_before_the_first_epoch(tmp_path, no_training, key):
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(TrainingSetupError, match=f"{key} .*a-file"):
        train(_args(tmp_path, **{key: str(tmp_path / "a-file" / "sub")}), train_docs=overfit_documents(), dev_docs=[])
    with pytest.raises(TrainingSetupError, match=f"{key} .*exists and is not a folder"):
        train(_args(tmp_path, **{key: str(tmp_path / "a-file")}), train_docs=overfit_documents(), dev_docs=[])


def test_a_non_model_output_dir_is_refused_before_training(tmp_path, no_training):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "notes.txt").write_text("mine")
    with pytest.raises(TrainingSetupError, match="holds no model"):
        train(_args(tmp_path), train_docs=overfit_documents(), dev_docs=[])
    assert (tmp_path / "model" / "notes.txt").read_text() == "mine"


@pytest.mark.slow  # trains twice, a few seconds
@pytest.mark.parametrize("broken", ["state.pt", "model.safetensors"])
def test_a_corrupt_checkpoint_warns_naming_the_file_and_training_starts_afresh(tmp_path, caplog, broken):
    docs = overfit_documents()
    make_phobert_style_encoder(tmp_path / "enc", [d.text for d in docs])
    args = _args(tmp_path, epochs=2)
    real_checkpoint = training._checkpoint

    def crash_after_first(*a, **k):
        real_checkpoint(*a, **k)
        raise KeyboardInterrupt("simulated crash")

    training._checkpoint = crash_after_first
    try:
        with pytest.raises(KeyboardInterrupt):
            train(args, train_docs=docs, dev_docs=[])
    finally:
        training._checkpoint = real_checkpoint
    path = tmp_path / "ck" / broken
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # truncated
    with caplog.at_level(logging.WARNING, logger="vntransfer.training.trainer"):
        _, history = train(args, train_docs=docs, dev_docs=[])
    assert any(str(path) in r.getMessage() and "starting afresh" in r.getMessage() for r in caplog.records)
    assert [h["epoch"] for h in history] == [1, 2]
    assert not (tmp_path / "ck").exists()
