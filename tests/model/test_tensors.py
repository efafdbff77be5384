"""Word-by-word encoding, syllable -> sub-token alignment and windows."""
from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from vntransfer.model.tensors import N_SYLLABLE_SHAPES, WordEncoder, syllable_shape
from vntransfer.text.words import segment_words

from ..conftest import make_phobert_style_encoder


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    d = make_phobert_style_encoder(tmp_path_factory.mktemp("tok"), ["Phó Trưởng phòng Quản lý đô thị Võ Văn Thưởng 3/2022 TP.HCM"])
    return AutoTokenizer.from_pretrained(d, use_fast=False)


def test_every_syllable_points_at_the_piece_holding_its_first_character(tokenizer):
    text = "Phó Trưởng phòng Quản lý đô thị"
    (sentence,) = segment_words(text)
    (window,) = WordEncoder(tokenizer).windows(sentence, 0)
    assert window.input_ids[0] == tokenizer.cls_token_id and window.input_ids[-1] == tokenizer.sep_token_id
    pieces = tokenizer.convert_ids_to_tokens(list(window.input_ids))
    for syl, tok in zip(sentence.syllables, window.syllable_token):
        assert pieces[tok].rstrip("@") == syl.text[0]  # this tokenizer has one piece per character
    assert len(window.syllable_token) == len(sentence.syllables)


def test_syllables_of_one_word_get_distinct_kinds(tokenizer):
    from vntransfer.text.syllables import split_syllables
    from vntransfer.text.words import Sentence, Word

    syl = split_syllables("Trưởng phòng")
    sentence = Sentence(0, 12, tuple(syl), (Word(0, 1),))  # one segmented word: Trưởng_phòng
    (window,) = WordEncoder(tokenizer).windows(sentence, 0)
    assert window.syllable_kind[0] != window.syllable_kind[1]  # the boundary stays predictable


def test_shapes():
    assert [syllable_shape(s) for s in ["cán", "Thưởng", "HĐND", "2022", ",", "iPhone"]] == [0, 1, 2, 3, 4, 5]
    assert N_SYLLABLE_SHAPES == 6


def test_long_sentence_gets_overlapping_windows_that_cover_it(tokenizer):
    text = " ".join(["Võ Văn Thưởng"] * 60)
    (sentence,) = segment_words(text, segment=False)
    encoder = WordEncoder(tokenizer, max_length=64, stride=16)
    windows = encoder.windows(sentence, 0)
    assert len(windows) > 1
    assert windows[0].first == 0 and windows[-1].last == len(sentence.syllables) - 1
    for a, b in zip(windows, windows[1:]):
        assert b.first <= a.last  # overlap
        assert b.first > a.first
    assert all(len(w.input_ids) <= 64 for w in windows)
    covered = set()
    for w in windows:
        covered.update(range(w.first, w.last + 1))
    assert covered == set(range(len(sentence.syllables)))
