"""Text -> sentences -> syllables -> words: offsets stay offsets into the text as given."""
from __future__ import annotations

import unicodedata

from vntransfer.text.syllables import split_syllables
from vntransfer.text.words import Word, group_words, segment_words, split_sentences, word_string


def test_punctuation_glued_to_words_is_its_own_syllable():
    text = "Tỉnh ủy Lai Châu, (Ảnh: Báo Lai Châu)."
    sy = split_syllables(text)
    assert [s.text for s in sy] == ["Tỉnh", "ủy", "Lai", "Châu", ",", "(", "Ảnh", ":", "Báo", "Lai", "Châu", ")", "."]
    assert all(text[s.start:s.end] == s.text for s in sy)


def test_dates_and_abbreviations_split_at_symbols():
    text = "Tháng 3/2022 tại TP.HCM, Sở GD-ĐT"
    assert [s.text for s in split_syllables(text)] == ["Tháng", "3", "/", "2022", "tại", "TP", ".", "HCM", ",", "Sở", "GD", "-", "ĐT"]


def test_nfd_syllables_keep_their_combining_marks():
    nfc = "Uỷ viên Bộ Chính trị"
    nfd = unicodedata.normalize("NFD", nfc)
    sy = split_syllables(nfd)
    assert len(sy) == 5
    assert [unicodedata.normalize("NFC", s.text) for s in sy] == nfc.split()
    assert all(nfd[s.start:s.end] == s.text for s in sy)


def test_sentences_are_split_with_offsets():
    text = "Ông A nói. Bà B nghe!\n\nTP. Hồ Chí Minh có 3.2 triệu dân.  "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["Ông A nói.", "Bà B nghe!", "TP. Hồ Chí Minh có 3.2 triệu dân."]


def test_credit_initials_do_not_end_a_sentence():
    text = "H. NHUNG\nTheo Cao Cường/LCĐT"
    assert [text[s:e] for s, e in split_sentences(text)] == ["H. NHUNG", "Theo Cao Cường/LCĐT"]


def test_segmentation_groups_syllables_and_keeps_original_spelling():
    text = "Đồng chí Võ Văn Thưởng, Uỷ viên Bộ Chính trị"
    (sentence,) = segment_words(text)
    forms = [word_string(sentence, w) for w in sentence.words]
    assert "Võ_Văn_Thưởng" in forms
    assert "Uỷ_viên" in forms  # underthesea writes Ủy; our words keep the text's spelling
    covered = [k for w in sentence.words for k in range(w.first, w.last + 1)]
    assert covered == list(range(len(sentence.syllables)))


def test_segmenter_disagreement_falls_back_to_one_word_per_syllable(monkeypatch):
    import vntransfer.text.words as words

    monkeypatch.setattr(words, "_word_tokenize", lambda: (lambda line: ["một từ"]))
    syl = split_syllables("ba âm tiết")
    assert group_words(syl) == [Word(0, 0), Word(1, 1), Word(2, 2)]


def test_long_sentence_is_cut_into_bounded_pieces():
    text = " ".join(["cán bộ"] * 500)
    sentences = segment_words(text, segment=False)
    assert all(len(s.syllables) <= 200 for s in sentences)
    assert sum(len(s.syllables) for s in sentences) == 1000
    assert sentences[0].start == 0 and sentences[-1].end == len(text)


def test_a_place_name_before_a_full_stop_still_ends_the_sentence():
    text = "Ông về công tác tại Lào Cai. Đồng chí Nguyễn Văn A phát biểu."
    assert [text[s:e] for s, e in split_sentences(text)] == ["Ông về công tác tại Lào Cai.", "Đồng chí Nguyễn Văn A phát biểu."]


def test_a_number_opening_a_line_is_a_list_item_not_a_sentence():
    from vntransfer.text.words import split_sentences

    text = "HĐND tỉnh đã bầu các ông sau:\n1. Ông Nguyễn Văn A: 45/47 phiếu (95,74%);\n12. Bà B: 40/47 phiếu.\nNăm 2020 ông về hưu. 3. Việc khác."
    pieces = [text[s:e] for s, e in split_sentences(text)]
    assert pieces[:3] == ["HĐND tỉnh đã bầu các ông sau:", "1. Ông Nguyễn Văn A: 45/47 phiếu (95,74%);", "12. Bà B: 40/47 phiếu."]
    assert "Năm 2020 ông về hưu." in pieces  # a number inside a line still ends nothing special
