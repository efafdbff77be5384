"""The PhoBERT path without the weights: PhoBERT's own tokenizer files (../shared/phobert-tokenizer or
$VNTRANSFER_PHOBERT_TOKENIZER) with a randomly initialised encoder of its shape, through train.py,
saving, loading and prediction. Skipped, with the reason, where the tokenizer files are absent."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from vntransfer.annotation.corpus import write_document
from vntransfer.model.phobert import TOKENIZER_ENV, encoder_config, find_tokenizer_dir, load_tokenizer
from vntransfer.text.normalize import respell
from vntransfer.text.words import segment_words, word_string

from ..conftest import ROOT, overfit_documents

TOKENIZER_DIR = find_tokenizer_dir()
needs_tokenizer = pytest.mark.skipif(
    TOKENIZER_DIR is None, reason=f"PhoBERT's tokenizer files (vocab.txt, bpe.codes) are not here: set ${TOKENIZER_ENV} "
                                  "or put them in ../shared/phobert-tokenizer beside the checkout")


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer(TOKENIZER_DIR)


@needs_tokenizer
def test_phobert_vocabulary_has_the_final_vowel_spelling(tokenizer):
    assert len(tokenizer) == 64001
    assert tokenizer.tokenize("Tỉnh_ủy") == ["Tỉnh_@@", "ủ@@", "y"]
    assert tokenizer.tokenize(respell("Tỉnh_ủy", "tone_on_final_vowel")) == ["Tỉnh_uỷ"]
    assert tokenizer.tokenize(respell("Thanh_Hóa", "tone_on_final_vowel")) == ["Thanh_Hoá"]


@needs_tokenizer
def test_the_base_shape_is_phobert_base(tokenizer):
    c = encoder_config(tokenizer, "phobert-base")
    assert (c.hidden_size, c.num_hidden_layers, c.num_attention_heads, c.intermediate_size) == (768, 12, 12, 3072)
    assert (c.max_position_embeddings, c.vocab_size, c.type_vocab_size, c.pad_token_id) == (258, 64001, 1, 1)
    assert c.pad_token_id == tokenizer.pad_token_id and c.bos_token_id == tokenizer.cls_token_id


def test_init_encoder_without_tokenizer_files_is_a_clear_error(tmp_path):
    r = subprocess.run([sys.executable, "-m", "vntransfer", "init-encoder", "--tokenizer", str(tmp_path),
                        "--out", str(tmp_path / "enc")], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "no vocab.txt or bpe.codes" in r.stderr
    assert not (tmp_path / "enc").exists()


@needs_tokenizer
def test_phobert_tokenizer_round_trip_in_process(tmp_path):
    """A small encoder with PhoBERT's real tokenizer: one training step, save, reload, the same predictions."""
    from vntransfer.model.phobert import init_encoder
    from vntransfer.pipeline import load
    from vntransfer.training.trainer import TrainingArguments, train

    docs = overfit_documents()
    encoder = init_encoder(TOKENIZER_DIR, tmp_path / "enc", hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                           intermediate_size=32)
    args = TrainingArguments(train=[], dev=[], encoder=str(encoder), output_dir=str(tmp_path / "model"),
                             checkpoint_dir=str(tmp_path / "ck"), epochs=1, batch_size=8, progress=False,
                             spelling="tone_on_final_vowel")
    extractor, history = train(args, train_docs=docs, dev_docs=[], save=False)
    assert len(history) == 1 and history[0]["loss"] > 0
    reloaded = load(extractor.save(tmp_path / "model"))
    assert len(reloaded.tokenizer) == 64001 and reloaded.encoder.spelling == "tone_on_final_vowel"
    for d in docs:
        assert reloaded.predict(d.text).to_dict() == extractor.predict(d.text).to_dict()


@pytest.mark.slow
@needs_tokenizer
def test_init_encoder_train_py_save_load_predict(tmp_path):
    """`vntransfer init-encoder` (a small shape of PhoBERT's, its real tokenizer), `train.py --encoder DIR`
    for one epoch, then the saved model through `vntransfer.load` and through AutoModel."""
    run = lambda *cmd: subprocess.run([sys.executable, *cmd], capture_output=True, text=True, cwd=ROOT)  # noqa: E731
    r = run("-m", "vntransfer", "init-encoder", "--out", str(tmp_path / "enc"), "--hidden-size", "32", "--layers", "1",
            "--heads", "2", "--intermediate-size", "64")
    assert r.returncode == 0, r.stderr[-2000:]
    assert {"vocab.txt", "bpe.codes", "config.json", "model.safetensors"} <= {p.name for p in (tmp_path / "enc").iterdir()}
    docs = overfit_documents()
    (tmp_path / "docs").mkdir()
    for d in docs:
        write_document(d, tmp_path / "docs" / f"{d.id}.json")
    r = run(str(ROOT / "train.py"), "--train", str(tmp_path / "docs"), "--dev", str(tmp_path / "docs" / "s1.json"), "--encoder", str(tmp_path / "enc"),
            "--output_dir", str(tmp_path / "model"), "--checkpoint_dir", str(tmp_path / "ck"), "--epochs", "1",
            "--batch_size", "2", "--spelling", "tone_on_final_vowel", "--progress", "false")
    assert r.returncode == 0, r.stderr[-2000:]

    import vntransfer
    from transformers import AutoModel

    model = vntransfer.load(tmp_path / "model")
    assert len(model.tokenizer) == 64001 and model.settings.spelling == "tone_on_final_vowel"
    # the encoder input is the respelled word: one piece for "Tỉnh_ủy"
    sentence = segment_words("Ông An, Bí thư Tỉnh ủy Lào Cai.")[0]
    assert "Tỉnh_ủy" in [word_string(sentence, w) for w in sentence.words]
    ids = model.encoder.windows(sentence, 0)[0].input_ids
    whole, piece = model.tokenizer.convert_tokens_to_ids(["Tỉnh_uỷ", "ủ@@"])
    assert whole in ids and piece not in ids
    doc = model.predict(docs[0].text)
    assert doc.text == docs[0].text and all(docs[0].text[e.start:e.end] == e.text for e in doc.entities)
    hf = AutoModel.from_pretrained(tmp_path / "model")
    assert type(hf).__name__ == "VntransferModel" and hf.config.encoder.vocab_size == 64001
    saved = json.loads((tmp_path / "model" / "vntransfer.json").read_text())
    assert saved["training"]["arguments"]["encoder"] == str(tmp_path / "enc")
