"""train.py from a JSON config, masked-LM pretraining and the default encoder, on tiny settings."""
from __future__ import annotations

import dataclasses
import json
import logging
import subprocess
import sys

import pytest
import torch
from transformers import AutoModel, AutoTokenizer

from vntransfer.annotation.corpus import write_document
from vntransfer.training.pretraining import package_sentences, pretrain
from vntransfer.training.trainer import TrainingArguments, train

from ..conftest import ROOT, make_phobert_style_encoder, overfit_documents

pytestmark = pytest.mark.slow


class _TransformersWarnings(logging.Handler):
    """Collects what transformers logs (its loggers do not propagate to the root logger pytest watches)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def __enter__(self):
        logging.getLogger("transformers").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("transformers").removeHandler(self)


def test_train_py_with_a_json_config_saves_a_loadable_model(tmp_path):
    docs = overfit_documents()
    (tmp_path / "docs").mkdir()
    for d in docs:
        write_document(d, tmp_path / "docs" / f"{d.id}.json")
    encoder = make_phobert_style_encoder(tmp_path / "enc", [d.text for d in docs])
    config = {"train": [str(tmp_path / "docs")], "dev": [str(tmp_path / "docs" / "s1.json")], "encoder": str(encoder),
              "output_dir": str(tmp_path / "model"), "checkpoint_dir": str(tmp_path / "ck"), "epochs": 2,
              "progress": False}
    (tmp_path / "config.json").write_text(json.dumps(config))
    r = subprocess.run([sys.executable, str(ROOT / "train.py"), str(tmp_path / "config.json")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    settings = json.loads((tmp_path / "model" / "vntransfer.json").read_text())
    assert settings["training"]["train_documents"] == ["s0"] and settings["training"]["dev_documents"] == ["s1"]
    assert len(settings["training"]["history"]) == 2 and "dev_entity_f1" in settings["training"]["history"][0]


def test_train_py_rejects_bad_arguments(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "train.py"), "--epochs", "0"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode != 0 and "epochs" in r.stderr


def test_masked_lm_pretraining_lowers_the_loss_and_loads_with_automodel(tmp_path):
    lines = package_sentences()[:200]
    assert len(lines) == 200
    warned = _TransformersWarnings()
    with warned:
        out = pretrain(tmp_path / "enc", lines, steps=40, batch_size=8, hidden_size=32, num_layers=1, num_heads=2,
                       vocab_size=800, progress=False, learning_rate=2e-3)
    # the fresh masked-LM head is the design: no load report calling the checkpoint corrupted
    assert not any("LOAD REPORT" in m or "corrupted" in m for m in warned.messages), warned.messages
    info = json.loads((out / "pretrained.json").read_text())
    assert info["final_loss"] < info["initial_loss"] and info["seconds"] > 0
    from vntransfer.training.trainer import _pretraining_sentence

    sentence = _pretraining_sentence({"encoder": "default", "encoder_dir": str(out)})
    assert "masked LM, 40 steps × 8 on 200 lines" in sentence and "minutes" in sentence
    model = AutoModel.from_pretrained(out)
    tok = AutoTokenizer.from_pretrained(out, use_fast=False)
    assert type(tok).__name__ == "PhobertTokenizer" and model.config.hidden_size == 32


def test_in_memory_training_returns_the_best_dev_epoch_not_the_last(tmp_path, monkeypatch):
    """Cross-validation folds train without saving: with dev documents the returned weights are still the
    kept epoch's (as for a saved model). Dev scores are scripted so that the second of three epochs is best."""
    import vntransfer.training.trainer as training
    from vntransfer.synthetic.corpus import generate

    docs = generate(5, seed=21)
    encoder = make_phobert_style_encoder(tmp_path / "enc", [d.text for d in docs])
    seen: dict = {}
    real_step = training.optimizer_step

    def step(loss, model, *rest):
        seen["model"] = getattr(model, "module", model).model  # the loss module (maybe wrapped by DDP) holds the model
        return real_step(loss, model, *rest)

    snapshots, scripted = [], iter([0.2, 0.9, 0.5])

    def score(gold, predicted):
        snapshots.append({k: v.clone() for k, v in seen["model"].state_dict().items()})
        f1 = next(scripted)
        return {"entities": {"micro": {"f1": f1}}, "relations": {"strict": {"micro": {"f1": f1}}},
                "events": {"arguments": {"f1": f1}}}

    monkeypatch.setattr(training, "optimizer_step", step)
    monkeypatch.setattr(training, "score_documents", score)
    args = training.TrainingArguments(train=[], dev=["unused"], encoder=str(encoder), epochs=3, batch_size=4,
                                      progress=False)
    extractor, history = training.train(args, train_docs=docs[:3], dev_docs=docs[3:], save=False, extra_docs=[])
    assert training.kept_epoch(history)["epoch"] == 2
    final = extractor.model.state_dict()
    assert all(torch.equal(final[k], snapshots[1][k]) for k in final)
    assert not all(torch.equal(final[k], snapshots[2][k]) for k in final)


def test_epoch_order_groups_lengths_and_keeps_every_example_once():
    import random

    from vntransfer.training.trainer import epoch_order

    rng = random.Random(0)
    lengths = [rng.choice([5, 8, 12, 30, 60, 100]) + rng.randint(0, 4) for _ in range(1000)]

    def padded(order, bs=16):
        return sum(max(lengths[i] for i in order[k:k + bs]) * len(order[k:k + bs]) for k in range(0, len(order), bs))

    grouped, plain = epoch_order(lengths, 16, 3), epoch_order(lengths, 16, 3, group_by_length=False)
    assert sorted(grouped) == sorted(plain) == list(range(1000))
    assert grouped == epoch_order(lengths, 16, 3) and grouped != epoch_order(lengths, 16, 4)
    assert padded(grouped) < 0.6 * padded(plain)  # the point of grouping: far less padding per epoch
    # the batches themselves are shuffled: not 50 steps at a time from the longest windows to the shortest
    # (transformers: mega-batches of min(n // (4 × batch), 50) = 15 batches here; the second one, batches 15-29)
    tops = [max(lengths[i] for i in grouped[k:k + 16]) for k in range(15 * 16, 30 * 16, 16)]
    assert tops != sorted(tops, reverse=True)


def test_continued_training_from_a_saved_model_with_a_sample_of_the_extra_text(tmp_path):
    """init_model: a base trained and saved, then trained on from its weights (the loss starts where the base
    left it, not from scratch); extra_sample keeps a seeded sample of the extra documents; head options that
    differ from the base's are refused before any training, naming them."""
    from vntransfer.training.trainer import TrainingSetupError

    docs = overfit_documents()
    encoder = make_phobert_style_encoder(tmp_path / "enc", [d.text for d in docs], hidden=32, layers=1)
    common = dict(train=[], dev=[], progress=False, seed=3, batch_size=2, learning_rate=3e-3, warmup_ratio=0.0)
    base_args = TrainingArguments(encoder=str(encoder), output_dir=str(tmp_path / "base"),
                                  checkpoint_dir=str(tmp_path / "c1"), epochs=12, **common)
    _, base_history = train(base_args, train_docs=[], dev_docs=[], extra_docs=docs)
    args = TrainingArguments(init_model=str(tmp_path / "base"), extra_sample=1, output_dir=str(tmp_path / "tuned"),
                             checkpoint_dir=str(tmp_path / "c2"), epochs=1, **common)
    _, history = train(args, train_docs=docs[:1], dev_docs=[], extra_docs=docs)
    assert history[0]["loss"] < base_history[0]["loss"] / 3
    saved = json.loads((tmp_path / "tuned" / "vntransfer.json").read_text())
    assert saved["training"]["extra_documents"] == 1 and saved["training"]["arguments"]["init_model"] == str(tmp_path / "base")
    with pytest.raises(TrainingSetupError, match="crf=False"):
        train(dataclasses.replace(args, crf=True, output_dir=str(tmp_path / "t2"), checkpoint_dir=str(tmp_path / "c3")),
              train_docs=docs, dev_docs=[])
