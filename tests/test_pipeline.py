"""Train -> save -> load -> predict, on a tiny PhoBERT-style encoder made in the test."""
from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

import pytest

from vntransfer.pipeline import ModelLoadError, load
from vntransfer.training.trainer import TrainingArguments, train
from vntransfer.annotation.validation import validate_document

from .conftest import make_phobert_style_encoder, overfit_documents

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def overfit_model(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("overfit")
    docs = overfit_documents()
    for d in docs:
        assert validate_document(d) == []
    encoder = make_phobert_style_encoder(tmp / "tiny-phobert", [d.text for d in docs], hidden=64, layers=2)
    args = TrainingArguments(train=[], dev=[], encoder=str(encoder), output_dir=str(tmp / "model"),
                             checkpoint_dir=str(tmp / "ckpt"), epochs=60, batch_size=2, learning_rate=3e-3,
                             warmup_ratio=0.05, progress=False, seed=1)
    extractor, history = train(args, train_docs=docs, dev_docs=[])
    return tmp / "model", docs, history


def _keys(doc):
    ents = {e.id: (e.type, e.start, e.end) for e in doc.entities}
    return (sorted(ents.values()),
            sorted((r.type, ents[r.head], ents[r.tail]) for r in doc.relations),
            sorted((ev.type, ents[ev.person], tuple(ents[s.position] for s in ev.to), tuple(ents[x] for x in ev.destination))
                   for ev in doc.events))


def test_overfit_save_reload_predicts_gold_exactly(overfit_model):
    model_dir, docs, history = overfit_model
    assert history[-1]["loss"] < history[0]["loss"]
    for name in ("config.json", "model.safetensors", "vntransfer.json", "vocab.txt", "bpe.codes", "tokenizer_config.json"):
        assert (model_dir / name).is_file(), name
    settings = json.loads((model_dir / "vntransfer.json").read_text())
    assert settings["segmenter"]["name"] == "underthesea.word_tokenize" and settings["package_version"]
    assert settings["model"] == {"gazetteer": True, "context_layer": True, "trigger_head": True, "crf": False}
    training = settings["training"]
    # Millisecond resolution: a tiny epoch on a fast machine takes well under 0.1 s and must not read as 0.
    assert all(r["seconds"] > 0 for r in training["history"])
    assert training["train_seconds"] >= sum(r["seconds"] for r in training["history"]) - 1e-6
    from vntransfer.training.trainer import training_markdown

    assert f"({len(history)} epochs of 2 seed documents" in training_markdown(model_dir)
    assert settings["repairs"] == ["punctuation", "admin_words", "split_names"]
    extractor = load(model_dir)
    assert extractor.model.context is not None and extractor.model.gazetteer_embedding is not None
    for gold in docs:
        pred = extractor.predict(gold.text, id=gold.id)
        assert _keys(pred) == _keys(gold), gold.id
        assert validate_document(pred) == []
        assert all(e.score is not None and 0 < e.score <= 1 for e in pred.entities)


def test_predict_many_matches_predict(overfit_model):
    extractor = load(overfit_model[0])
    texts = [d.text for d in overfit_model[1]]
    many = extractor.predict_many(texts * 3, batch_size=2)
    assert [d.to_dict()["entities"] for d in many[:2]] == [extractor.predict(t).to_dict()["entities"] for t in texts]


def test_bad_input(overfit_model):
    extractor = load(overfit_model[0])
    assert extractor.predict("").entities == () and extractor.predict("  \n\t ").entities == ()
    with pytest.raises(TypeError, match="must be str"):
        extractor.predict(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be str"):
        extractor.predict_many(["ok", None])  # type: ignore[list-item]


def test_nfd_and_mixed_spelling_offsets_point_into_the_original(overfit_model):
    extractor = load(overfit_model[0])
    text = unicodedata.normalize("NFD", overfit_model[1][1].text).replace("Tỉnh ủy", "Tỉnh uỷ")
    doc = extractor.predict(text)
    assert doc.entities
    for e in doc.entities:
        assert text[e.start:e.end] == e.text


def test_long_text_is_processed_in_windows(overfit_model):
    extractor = load(overfit_model[0])
    text = (overfit_model[1][0].text + " ") * 400 + "x" * 3000  # ~50k chars incl. one giant token
    doc = extractor.predict(text)
    assert len([e for e in doc.entities if e.type == "PERSON"]) >= 300
    assert all(text[e.start:e.end] == e.text for e in doc.entities)


def test_missing_or_bad_model_files_are_named(tmp_path, overfit_model):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(overfit_model[0], broken)
    (broken / "model.safetensors").unlink()
    with pytest.raises(ModelLoadError, match="model.safetensors"):
        load(broken)
    shutil.copy(overfit_model[0] / "model.safetensors", broken / "model.safetensors")
    (broken / "vntransfer.json").write_text("{not json")
    with pytest.raises(ModelLoadError, match="vntransfer.json"):
        load(broken)
    with pytest.raises(ModelLoadError, match="no such model directory"):
        load(tmp_path / "nowhere")
    settings = json.loads((overfit_model[0] / "vntransfer.json").read_text())
    (broken / "vntransfer.json").write_text(json.dumps({**settings, "entity_types": ["PER", "ORG"]}))
    with pytest.raises(ModelLoadError, match="vntransfer.json: label maps differ"):
        load(broken)
    from safetensors.torch import load_file, save_file

    (broken / "vntransfer.json").write_text(json.dumps(settings))
    state = load_file(str(overfit_model[0] / "model.safetensors"))
    state.pop(next(k for k in state if "entity_head" in k))  # names may carry the `extractor.` prefix
    save_file(state, str(broken / "model.safetensors"))
    with pytest.raises(ModelLoadError, match="model.safetensors: SHA-256 .* differs"):
        load(broken)
    settings.pop("weights_sha256")  # a model saved before the digest: the weights themselves are checked
    (broken / "vntransfer.json").write_text(json.dumps(settings))
    with pytest.raises(ModelLoadError, match="model.safetensors: weights do not match"):
        load(broken)


def test_cli_predict_jsonl_with_a_bad_line(tmp_path, overfit_model):
    inp = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": "a", "text": overfit_model[1][0].text}, ensure_ascii=False), "{broken", json.dumps({"id": "c", "text": ""})]
    inp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = subprocess.run([sys.executable, "-m", "vntransfer", "predict", "--input", str(inp), "--output", str(out),
                        "--model", str(overfit_model[0])], capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("id") for r in rows] == ["a", None, "c"]
    assert "error" in rows[1] and "line 2" in rows[1]["error"]
    assert rows[0]["entities"] and rows[2]["entities"] == []


def test_resume_after_a_crash_continues_from_the_checkpoint(tmp_path, monkeypatch):
    import vntransfer.training.trainer as training

    docs = overfit_documents()
    encoder = make_phobert_style_encoder(tmp_path / "enc", [d.text for d in docs])
    args = TrainingArguments(train=[], dev=[], encoder=str(encoder), output_dir=str(tmp_path / "m"),
                             checkpoint_dir=str(tmp_path / "ck"), epochs=3, batch_size=2, progress=False)
    real_checkpoint = training._checkpoint
    calls = []

    def crash_after_first(*a, **k):
        real_checkpoint(*a, **k)
        calls.append(a[4])
        if len(calls) == 1:
            raise KeyboardInterrupt("simulated crash")

    monkeypatch.setattr(training, "_checkpoint", crash_after_first)
    with pytest.raises(KeyboardInterrupt):
        train(args, train_docs=docs, dev_docs=[])
    assert (tmp_path / "ck" / "state.pt").exists()
    _, history = train(args, train_docs=docs, dev_docs=[])
    assert [h["epoch"] for h in history] == [1, 2, 3]
    assert calls == [1, 2, 3]  # epoch 1 was not trained twice
    assert not (tmp_path / "ck").exists()


def test_crf_head_overfits_saves_reloads_and_decodes_across_windows(tmp_path):
    """The CRF entity head (`crf=True`): trained on the tiny set it predicts the gold spans after reload,
    also when short windows cut every sentence in pieces (emissions merged over windows, one Viterbi path)."""
    docs = overfit_documents()
    encoder = make_phobert_style_encoder(tmp_path / "tiny-phobert", [d.text for d in docs], hidden=64, layers=2)
    args = TrainingArguments(train=[], dev=[], encoder=str(encoder), output_dir=str(tmp_path / "model"),
                             checkpoint_dir=str(tmp_path / "ckpt"), epochs=60, batch_size=2, learning_rate=3e-3,
                             warmup_ratio=0.05, progress=False, seed=1, crf=True)
    _, history = train(args, train_docs=docs, dev_docs=[])
    assert history[-1]["loss"] < history[0]["loss"] / 5
    settings = json.loads((tmp_path / "model" / "vntransfer.json").read_text())
    assert settings["model"]["crf"] is True
    extractor = load(tmp_path / "model")
    assert extractor.model.crf is not None
    for gold in docs:
        pred = extractor.predict(gold.text, id=gold.id)
        assert _keys(pred)[0] == _keys(gold)[0], gold.id
        assert all(e.score is not None and 0 < e.score <= 1.0001 for e in pred.entities)
    from vntransfer.model.tensors import WordEncoder
    from vntransfer.text.words import segment_words

    extractor.encoder = WordEncoder(extractor.tokenizer, 24, 8, extractor.settings.spelling)
    sentence = segment_words(docs[0].text)[0]
    assert len(extractor.encoder.windows(sentence, 0)) > 1
    for gold in docs:  # the windows' emissions merged, one valid path per layer: a valid document
        assert validate_document(extractor.predict(gold.text, id=gold.id)) == []
