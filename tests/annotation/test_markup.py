"""Inline bracket markup -> SPEC.md documents (the writers' format), with errors that name the line."""
import pytest

from vntransfer.cli import main
from vntransfer.annotation.corpus import load_documents
from vntransfer.annotation.formats.markup import MarkupError, parse_block, parse_markup
from vntransfer.annotation.validation import validate_document

from ..conftest import APPROVAL_MARKUP

APPROVAL = "# id: m1\n" + APPROVAL_MARKUP


def test_markup_gives_offsets_nesting_and_events_from_the_relations():
    doc = parse_block(APPROVAL)
    assert not validate_document(doc)
    ents = {e.id: e for e in doc.entities}
    for e in ents.values():
        assert doc.text[e.start:e.end] == e.text
    assert ents["l1"].text == "tỉnh Hà Tĩnh" and ents["b1"].text == "UBND tỉnh Hà Tĩnh"
    assert "[" not in doc.text and "phê chuẩn" in doc.text
    by_person = {ev.person: ev for ev in doc.events}
    assert set(by_person) == {"p1", "p2"}
    assert by_person["p1"].type == "OTHER" and by_person["p1"].trigger.text == "phê chuẩn"
    assert [(s.position, s.body) for s in by_person["p1"].from_] == [("t2", "b2")]
    assert [(s.position, s.body) for s in by_person["p2"].to] == [("t1", "b1")]


def test_null_trigger_and_escaped_brackets():
    doc = parse_block("[PERSON#p1 An] \\[chú thích\\] giữ chức [POSITION#t1 Bí thư].\n---\np1 APPOINTED_TO t1\n- OTHER p1\n")
    assert "[chú thích]" in doc.text and doc.events[0].trigger is None and doc.events[0].type == "OTHER"


@pytest.mark.parametrize("block, message", [
    ("[PERSON#p1 An giữ chức\n---\n", "never closed"),
    ("[PERSON#p1 An] và [PERSON#p1 Bình]\n---\n", "used twice"),
    ("[PERSON#p1 An] giữ chức [POSITION#t1 Bí thư]\n---\np1 APPOINTED_TO t9\n- OTHER p1\n", "t9 is no entity"),
    ("[PERSON#p1 An] giữ chức [POSITION#t1 Bí thư]\n---\np1 APPOINTED_TO t1\n", "without a trigger line"),
    ("[PERSON#p1 An] giữ chức [POSITION#t1 Bí thư]\n---\np1 HOLDS t1\n- OTHER p1\n", "no APPOINTED_TO"),
    ("[PERSON#p1 An] [ thì\n---\n", "must open"),
    ("[PERSON#p1 An]\n---\np1 LIKES p1\n", "line 3"),
])
def test_markup_errors_name_the_problem(block, message):
    with pytest.raises(MarkupError, match=message):
        parse_block(block)


def test_from_markup_cli_writes_valid_documents_and_reports_bad_ones(tmp_path, capsys):
    src = tmp_path / "w.txt"
    src.write_text(APPROVAL + "===\n# id: m2\n[PERSON#p1 An\n---\n", encoding="utf-8")
    assert main(["from-markup", str(src), "--out", str(tmp_path / "out"), "--meta", "source=written"]) == 1
    assert "never closed" in capsys.readouterr().out
    src.write_text(APPROVAL, encoding="utf-8")
    assert main(["from-markup", str(src), "--out", str(tmp_path / "out"), "--meta", "source=written"]) == 0
    (doc,) = load_documents([tmp_path / "out"])
    assert doc.id == "m1" and doc.meta["source"] == "written"


def test_two_blocks_in_one_file():
    docs = list(parse_markup(APPROVAL + "===\n" + APPROVAL.replace("m1", "m2")))
    assert [d.id for d in docs] == ["m1", "m2"]
