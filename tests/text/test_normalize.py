"""Spelling for the encoder (text/normalize.py: respell): the tone mark of open oa/oe/uy syllables moved onto the final
vowel, as PhoBERT's vocabulary spells them; characters stay in place, offsets never change."""
from __future__ import annotations

import json
import shutil
import unicodedata

import pytest

from vntransfer.model.encoder_builder import build_tokenizer
from vntransfer.text.normalize import respell, tone_on_first_vowel
from vntransfer.model.tensors import WordEncoder
from vntransfer.text.words import segment_words, word_string

from ..conftest import ROOT


@pytest.mark.parametrize("written, final", [
    ("Tỉnh_ủy", "Tỉnh_uỷ"), ("Ủy_ban", "Uỷ_ban"), ("ỦY_BAN", "UỶ_BAN"), ("hòa", "hoà"), ("Thanh_Hóa", "Thanh_Hoá"),
    ("khỏe", "khoẻ"), ("thủy", "thuỷ"), ("tòa_án", "toà_án"),
    # nothing to move: closed syllables, other vowel pairs, marks already on the final vowel, qu-
    ("hoàng", "hoàng"), ("ngoài", "ngoài"), ("của", "của"), ("thuở", "thuở"), ("quý", "quý"), ("Tỉnh_uỷ", "Tỉnh_uỷ"),
    ("huyền", "huyền"), ("2021", "2021"), ("UBND", "UBND"),
])
def test_tone_on_final_vowel(written, final):
    assert respell(written, "tone_on_final_vowel") == final
    assert len(final) == len(written)  # NFC in, NFC out: every character keeps its offset
    assert respell(written, "as_written") == written


def test_the_other_placement_is_the_inverse_on_open_syllables():
    for word in ("Tỉnh_ủy", "hòa", "Thanh_Hóa", "khỏe", "Ủy_viên"):
        assert tone_on_first_vowel(respell(word, "tone_on_final_vowel")) == word
    assert tone_on_first_vowel("quý") == "quý"  # the u of qu- is no vowel to carry the tone


def test_unknown_spelling_is_refused():
    with pytest.raises(ValueError, match="unknown spelling 'kieu_moi'"):
        respell("hòa", "kieu_moi")
    with pytest.raises(ValueError, match="unknown spelling"):
        WordEncoder(None, spelling="kieu_moi")
    from vntransfer.training.trainer import TrainingArguments

    with pytest.raises(ValueError, match="spelling must be one of"):
        TrainingArguments(spelling="kieu_moi")


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    """A PhoBERT-style tokenizer (vocab.txt + bpe.codes, `@@` pieces) whose merges know 'Tỉnh_uỷ' as one word,
    as PhoBERT's do, and which has seen 'ủ' only inside 'của': 'Tỉnh_ủy' splits, as with the real one."""
    lines = ["Ban_Thường_vụ Tỉnh_uỷ điều_động ông Nguyễn_Văn_An về Uỷ_ban của tỉnh"] * 5
    return build_tokenizer(lines, tmp_path_factory.mktemp("tok"), vocab_size=200)


TEXT = "Ban Thường vụ Tỉnh ủy điều động ông Nguyễn Văn An về Ủy ban của tỉnh Thanh Hóa."


def test_respelling_makes_the_pretrained_word_whole(tokenizer):
    assert len(tokenizer.tokenize("Tỉnh_ủy")) > 1
    assert tokenizer.tokenize(respell("Tỉnh_ủy", "tone_on_final_vowel")) == ["Tỉnh_uỷ"]


def test_windows_differ_only_in_the_respelled_ids(tokenizer):
    sentences = segment_words(TEXT, segment=False)
    written = WordEncoder(tokenizer).windows(sentences[0], 0)
    final = WordEncoder(tokenizer, spelling="tone_on_final_vowel").windows(sentences[0], 0)
    assert len(written) == len(final) == 1
    a, b = written[0], final[0]
    assert (a.first, a.last, a.syllable_kind, a.syllable_gazetteer) == (b.first, b.last, b.syllable_kind, b.syllable_gazetteer)
    assert a.input_ids != b.input_ids
    # each syllable is represented by the piece that holds its first character, under both spellings
    for w in (a, b):
        assert len(w.syllable_token) == len(sentences[0].syllables)
        assert all(0 < t < len(w.input_ids) - 1 for t in w.syllable_token)


def test_training_and_prediction_keep_offsets_into_the_text_as_written(tmp_path, tokenizer):
    """Train a step with the respelled encoder input, save, reload: the spelling is in the saved settings,
    the reloaded model predicts what the trained one did, and every offset indexes the text as given
    (NFD text included, where the encoder sees NFC)."""
    from vntransfer.model.encoder_builder import build_default_encoder
    from vntransfer.pipeline import load
    from vntransfer.training.trainer import TrainingArguments, train

    from ..conftest import overfit_documents

    docs = overfit_documents()
    lines = [" ".join(word_string(s, w) for w in s.words) for d in docs for s in segment_words(d.text, segment=False)]
    encoder = build_default_encoder([], tmp_path / "enc", vocab_size=300, hidden_size=32, num_layers=1, num_heads=2,
                                    intermediate_size=64, lines=[respell(x, "tone_on_final_vowel") for x in lines])
    args = TrainingArguments(train=[], dev=[], encoder=str(encoder), output_dir=str(tmp_path / "model"),
                             checkpoint_dir=str(tmp_path / "ck"), epochs=1, segment=False, progress=False,
                             spelling="tone_on_final_vowel")
    extractor, _ = train(args, train_docs=docs, dev_docs=[], save=False)
    saved = extractor.save(tmp_path / "model")
    assert json.loads((saved / "vntransfer.json").read_text())["spelling"] == "tone_on_final_vowel"
    reloaded = load(saved)
    assert reloaded.settings.spelling == reloaded.encoder.spelling == "tone_on_final_vowel"
    for text in (docs[0].text, unicodedata.normalize("NFD", docs[1].text)):
        before, after = extractor.predict(text), reloaded.predict(text)
        assert before.to_dict() == after.to_dict()
        assert all(text[e.start:e.end] == e.text for e in after.entities)


def test_models_saved_without_a_spelling_read_the_text_as_written(tmp_path, tiny_model_dir):
    from vntransfer.pipeline import load

    old = shutil.copytree(tiny_model_dir, tmp_path / "old")
    settings = json.loads((old / "vntransfer.json").read_text())
    config = json.loads((old / "config.json").read_text())
    del settings["spelling"], config["extractor_settings"]["spelling"]
    (old / "vntransfer.json").write_text(json.dumps(settings))
    (old / "config.json").write_text(json.dumps(config))
    assert load(old).encoder.spelling == "as_written"
    shipped = json.loads((ROOT / "models" / "default" / "vntransfer.json").read_text())
    assert shipped.get("spelling", "as_written") == "as_written"  # the shipped recipe reads the text as written

