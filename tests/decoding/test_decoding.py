from __future__ import annotations

import pytest
import torch

from vntransfer.decoding.repairs import attach_admin_words, join_split_spans
from vntransfer.decoding.spans import Span, decode_entities
from vntransfer.schema import ENTITY_TYPES
from vntransfer.text.syllables import split_syllables

LOC, BODY = "LOCALITY", "BODY"  # entity types of the spans


def _probs(n, tags):
    p = torch.zeros(n, len(ENTITY_TYPES), 3)
    p[:, :, 0] = 1.0
    for t, i, tag in tags:
        p[i, ENTITY_TYPES.index(t)] = torch.tensor([0.0, 1.0, 0.0] if tag == "B" else [0.0, 0.0, 1.0])
    return p


def test_decode_keeps_a_locality_nested_in_a_body_and_drops_forbidden_overlaps():
    # Tỉnh ủy Lào Cai: BODY over 0-3, LOCALITY over 2-3, a PERSON over 1-2 overlapping both
    person = "PERSON"
    p = _probs(4, [(BODY, 0, "B"), (BODY, 1, "I"), (BODY, 2, "I"), (BODY, 3, "I"), (LOC, 2, "B"), (LOC, 3, "I"),
                   (person, 1, "B"), (person, 2, "I")])
    p[1:3, ENTITY_TYPES.index(person)] = torch.tensor([0.4, 0.3, 0.3])  # weaker: argmax still B/I but low score
    p[1, ENTITY_TYPES.index(person)] = torch.tensor([0.3, 0.4, 0.3])
    p[2, ENTITY_TYPES.index(person)] = torch.tensor([0.3, 0.3, 0.4])
    spans = decode_entities(p)
    assert [(s.first, s.last, s.type) for s in spans] == [(0, 3, BODY), (2, 3, LOC)]


def test_admin_word_joins_the_locality_it_precedes():
    syl = split_syllables("về tỉnh Lào Cai và xã Bản Lầu")
    spans = [Span(1, 1, LOC, 0.9), Span(2, 3, LOC, 0.8), Span(6, 7, LOC, 0.7)]
    out = attach_admin_words(spans, syl)
    assert [(s.first, s.last) for s in out] == [(1, 3), (5, 7)]


def test_admin_word_after_a_numeral_stays_out():
    syl = split_syllables("hai xã Xuân Vân và Trung Sơn")
    out = attach_admin_words([Span(2, 3, LOC, 0.9), Span(5, 6, LOC, 0.9)], syl)
    assert [(s.first, s.last) for s in out] == [(2, 3), (5, 6)]
    # predicted with the admin word: it leaves the name (SPEC.md: hai xã [Xuân Vân] và [Trung Sơn])
    out = attach_admin_words([Span(1, 3, LOC, 0.9), Span(5, 6, LOC, 0.9)], syl)
    assert [(s.first, s.last) for s in out] == [(2, 3), (5, 6)]
    syl = split_syllables("sáp nhập 3 thị trấn Mộc Châu")
    assert [(s.first, s.last) for s in attach_admin_words([Span(3, 6, LOC, 0.9)], syl)] == [(5, 6)]


def test_a_bare_admin_word_is_no_body_and_no_place():
    syl = split_syllables("Tỉnh đã điều động cán bộ về xã")
    assert attach_admin_words([Span(0, 0, BODY, 0.9), Span(7, 7, LOC, 0.9)], syl) == []
    syl = split_syllables("UBND tỉnh Lào Cai")
    assert attach_admin_words([Span(0, 3, BODY, 0.9), Span(1, 3, LOC, 0.9)], syl) == [Span(0, 3, BODY, 0.9), Span(1, 3, LOC, 0.9)]


def test_a_body_cut_in_two_is_joined_but_not_across_punctuation_and_never_two_names():
    syl = split_syllables("Ban Thường vụ Tỉnh ủy, Ban Bí thư")
    spans = [Span(0, 0, BODY, 0.9), Span(1, 4, BODY, 0.8), Span(6, 8, BODY, 0.9)]
    assert [(s.first, s.last) for s in join_split_spans(spans, syl)] == [(0, 4), (6, 8)]
    # SPEC.md gives a BODY its longest name; two PERSON (or POSITION) spans side by side are left to the model
    syl = split_syllables("ông Nguyễn Văn An Lê Bình")
    people = [Span(1, 3, "PERSON", 0.9), Span(4, 5, "PERSON", 0.9)]
    assert join_split_spans(people, syl) == people


def _words(*sizes):
    from vntransfer.text.words import Word

    out, i = [], 0
    for n in sizes:
        out.append(Word(i, i + n - 1))
        i += n
    return out


def test_punctuation_is_trimmed_from_span_edges():
    from vntransfer.decoding.repairs import trim_punctuation

    syl = split_syllables("VOV.VN - ' Đoàn ĐBQH (khóa XV)")
    texts = [s.text for s in syl]
    dash, quote = texts.index("-"), texts.index("'")
    spans = [Span(0, dash, BODY, 0.9), Span(quote, quote, "PERSON", 0.8), Span(quote + 1, len(syl) - 1, BODY, 0.7)]
    out = trim_punctuation(spans, syl)
    assert [(s.first, s.last) for s in out] == [(0, dash - 1), (quote + 1, len(syl) - 1)]


def test_year_before_an_admin_word_is_no_count():
    # "Cuối năm xã Tân Lập ..." is "at the end of the year, the commune [xã Tân Lập]": "năm" is the year
    syl = split_syllables("Cuối năm xã Tân Lập tổ chức đại hội")
    assert [(s.first, s.last) for s in attach_admin_words([Span(2, 4, LOC, 0.9)], syl)] == [(2, 4)]
    assert [(s.first, s.last) for s in attach_admin_words([Span(3, 4, LOC, 0.9)], syl)] == [(2, 4)]
    for time_phrase in ("Đầu năm", "hằng năm", "Giữa năm"):
        syl = split_syllables(f"{time_phrase} xã Tân Lập tổ chức đại hội")
        assert [(s.first, s.last) for s in attach_admin_words([Span(2, 4, LOC, 0.9)], syl)] == [(2, 4)], time_phrase


def test_five_before_an_admin_word_still_counts():
    # "năm xã" with nothing that makes it a year is "five communes": hai xã [Xuân Vân] (SPEC.md)
    for text in ("Năm xã Tân Lập, Tân Hòa, Tân Phú, Tân Mỹ và Tân An được sáp nhập",
                 "sáp nhập năm xã Tân Lập, Tân Hòa, Tân Phú, Tân Mỹ và Tân An",
                 "cả năm xã Tân Lập, Tân Hòa, Tân Phú, Tân Mỹ và Tân An"):
        syl = split_syllables(text)
        xa = [s.text for s in syl].index("xã")
        out = attach_admin_words([Span(xa, xa + 2, LOC, 0.9)], syl)
        assert [(s.first, s.last) for s in out] == [(xa + 1, xa + 2)], text
        assert [(s.first, s.last) for s in attach_admin_words([Span(xa + 1, xa + 2, LOC, 0.9)], syl)] == [(xa + 1, xa + 2)]


def test_repairs_are_named_in_one_registry_and_an_unknown_name_is_refused(tmp_path, tiny_model_dir):
    import json
    import shutil

    from vntransfer.decoding.repairs import REPAIRS, apply_repairs, check_repairs
    from vntransfer.pipeline import ExtractorSettings, load

    assert tuple(REPAIRS) == ExtractorSettings().repairs  # the shipped order is the registry's order
    with pytest.raises(ValueError, match="'tidy'"):
        check_repairs(("punctuation", "tidy"))
    # the order the settings list them in does not matter: REPAIRS' order runs
    syl = split_syllables("xã Tân Lập .")
    sentence = type("S", (), {"syllables": syl, "words": _words(1, 1, 1, 1)})()
    spans = [Span(1, 3, "LOCALITY", 0.9)]
    probs = _probs(len(syl), [])
    assert (apply_repairs(spans, ("admin_words", "punctuation"), sentence, probs)
            == apply_repairs(spans, ("punctuation", "admin_words"), sentence, probs) == [Span(0, 2, "LOCALITY", 0.9)])
    # a model folder naming an unknown repair is refused on load, with the name
    bad = shutil.copytree(tiny_model_dir, tmp_path / "bad")
    settings = json.loads((bad / "vntransfer.json").read_text())
    settings["repairs"] = ["punctuation", "tidy"]
    (bad / "vntransfer.json").write_text(json.dumps(settings))
    with pytest.raises(Exception, match="tidy"):
        load(bad)
    # a model saved by an earlier version with repairs since removed is decoded without them, with a warning
    settings["repairs"] = ["punctuation", "word_edges", "initial_words", "admin_words"]
    (bad / "vntransfer.json").write_text(json.dumps(settings))
    assert load(bad).settings.repairs == ("punctuation", "admin_words")
    with pytest.raises(ValueError, match="word_edges"):
        check_repairs(("word_edges",))  # a config naming one is still refused
