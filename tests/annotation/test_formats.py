"""Lossless conversions: JSON -> BRAT -> JSON and JSON -> BIO -> spans, on the gold and on events."""
from __future__ import annotations

import dataclasses

from seqeval.metrics.sequence_labeling import get_entities

from vntransfer.cli import main
from vntransfer.annotation.corpus import load_documents
from vntransfer.annotation.formats.bio import decode_spans, from_bio, to_bio, write_conll
from vntransfer.annotation.formats.brat import from_brat, to_brat
from vntransfer.schema import ENTITY_TYPES

from ..conftest import ANNOTATIONS


def test_brat_round_trip_gold(gold_documents):
    for doc in gold_documents:
        txt, ann = to_brat(doc)
        assert txt == doc.text
        back = from_brat(doc.id, txt, ann)
        assert back.to_dict() == doc.to_dict(), doc.id


def test_brat_round_trip_events_with_and_without_trigger(transfer_doc):
    no_trigger = dataclasses.replace(transfer_doc, events=(dataclasses.replace(transfer_doc.events[0], trigger=None, type="OTHER"),))
    for doc in (transfer_doc, no_trigger):
        back = from_brat(doc.id, *to_brat(doc))
        assert back.to_dict() == doc.to_dict()


def test_brat_files_round_trip_through_cli(tmp_path, gold_documents):
    files = [str(p) for p in sorted(ANNOTATIONS.glob("*.json"))]
    assert main(["to-brat", *files, "--out", str(tmp_path / "brat")]) == 0
    assert (tmp_path / "brat" / "annotation.conf").exists()
    assert main(["from-brat", str(tmp_path / "brat"), "--out", str(tmp_path / "json")]) == 0
    back = {d.id: d for d in load_documents([tmp_path / "json"])}
    for doc in gold_documents:
        assert back[doc.id].to_dict() == doc.to_dict()


def test_bio_round_trip_keeps_every_gold_offset(gold_documents):
    for doc in gold_documents:
        syllables, layers = to_bio(doc)
        spans = {(e.type, e.start, e.end) for e in from_bio(doc.text, syllables, layers)}
        assert spans == {(e.type, e.start, e.end) for e in doc.entities}, doc.id
        assert len(spans) == len(doc.entities)


def test_bio_keeps_nesting_and_seqeval_reads_it(transfer_doc):
    syllables, layers = to_bio(transfer_doc)
    assert set(layers) == set(ENTITY_TYPES)
    body = [(t, i, j) for t, i, j in get_entities(layers["BODY"])]
    loc = get_entities(layers["LOCALITY"])
    assert body == decode_spans(layers["BODY"])
    # [Sở Nội vụ [tỉnh Lào Cai]]: the LOCALITY sits inside the BODY
    (_, bi, bj), (_, li, lj) = body[-1], loc[0]
    assert bi < li and lj == bj
    assert " ".join(s.text for s in syllables[li:lj + 1]) == "tỉnh Lào Cai"


def test_conll_has_one_line_per_syllable(transfer_doc):
    lines = write_conll(transfer_doc).splitlines()
    syllables, _ = to_bio(transfer_doc)
    assert len(lines) == 2 + len(syllables)
    assert lines[2].split("\t")[:3] == ["Ban", "0", "3"]


def test_decode_spans_on_ill_formed_tags():
    assert decode_spans(["I-BODY", "I-BODY", "O", "B-BODY", "I-LOCALITY"]) == [("BODY", 0, 1), ("BODY", 3, 3), ("LOCALITY", 4, 4)]


def _brat_folder(tmp_path, docs: dict[str, tuple[str, str]]):
    folder = tmp_path / "brat"
    folder.mkdir()
    for name, (txt, ann) in docs.items():
        (folder / f"{name}.txt").write_text(txt, encoding="utf-8")
        (folder / f"{name}.ann").write_text(ann, encoding="utf-8")
    return folder


def test_from_brat_reports_every_problem_and_writes_only_sound_documents(tmp_path, transfer_doc, capsys):
    txt, ann = to_brat(transfer_doc)
    lines = ann.splitlines()
    bad = {
        "range": "T1\tBODY 0 9999\tBan\n",
        "mismatch": lines[0].rsplit("\t", 1)[0] + "\tSomething else\n",
        "dangling": "T1\tPERSON 0 3\tBan\nR1\tHOLDS Arg1:T1 Arg2:T7\nT2\tDIEU_DONG 4 8\tThườ\nE1\tDIEU_DONG:T2 Person:T9\n",
        "duplicate": "T1\tBODY 0 3\tBan\nT1\tBODY 0 3\tBan\n",
        "truncated": "T1\tBODY 0\tBan\n" + "T2\tBODY 0 3\n" + "R1\tHOLDS Arg1:T1\n",
        "discontinuous": "T1\tPERSON 0 3;4 8\tBan Thườ\n",
        "event_parts": "T1\tPERSON 0 3\tBan\nE1\t\nE2\tDIEU_DONG\nE3\tDIEU_DONG:T1 Person\n",
        "invalid": "T1\tPERSON 0 3\tBan\nT2\tPERSON 1 5\tan T\n",  # reads, but validate_document objects
    }
    folder = _brat_folder(tmp_path, {"good": (txt, ann), **{k: (txt, v) for k, v in bad.items()}})
    (folder / "latin.txt").write_bytes(b"Ban \xe0")
    (folder / "latin.ann").write_text("T1\tBODY 0 3\tBan\n", encoding="utf-8")
    (folder / "notxt.ann").write_text("T1\tBODY 0 3\tBan\n", encoding="utf-8")
    (folder / "loop.ann").symlink_to(folder / "loop.ann")
    (folder / "loop.txt").write_text("x", encoding="utf-8")
    out_dir = tmp_path / "json"
    assert main(["from-brat", str(folder), "--out", str(out_dir)]) == 1
    out = capsys.readouterr().out
    f = lambda name: str(folder / f"{name}.ann")  # noqa: E731
    for expected in [f"{f('range')}: T1: line 1: offsets [0, 9999) outside the text",
                     f"{f('mismatch')}: T1: line 1: text 'Something else' != text[0:21]",
                     f"{f('dangling')}: R1: line 2: Arg2 T7 is not an entity of this document",
                     f"{f('dangling')}: E1: line 4: Person T9 is not an entity of this document",
                     f"{f('duplicate')}: T1: line 2: duplicate id (first on line 1)",
                     f"{f('truncated')}: T1: line 1: expected 'TYPE START END'",
                     f"{f('truncated')}: T2: line 2: truncated line",
                     f"{f('truncated')}: R1: line 3: truncated line",
                     f"{f('discontinuous')}: T1: line 1: discontinuous spans are not supported",
                     f"{f('event_parts')}: E1: line 2: event line without type, trigger and arguments",
                     f"{f('event_parts')}: E2: line 3: event must start with 'TYPE:T<n>'",
                     f"{f('event_parts')}: E3: line 4: argument 'Person' is not ROLE:ID",
                     f"{f('invalid')}: T2: line 2: span 'an T' [1, 5) cuts through a syllable",
                     f"{folder / 'latin.txt'}: not valid UTF-8 (byte 0xe0 at byte offset 4)",
                     f"{folder / 'notxt.txt'}: cannot read: No such file or directory",
                     f"{folder / 'loop.ann'}: cannot read: Too many levels of symbolic links"]:
        assert any(line.startswith(expected) for line in out.splitlines()), (expected, out)
    assert sorted(p.name for p in out_dir.iterdir()) == ["good.json"]


def test_from_brat_on_a_missing_folder_exits_2(tmp_path, capsys):
    assert main(["from-brat", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_from_brat_raises_naming_file_id_and_line():
    import pytest

    from vntransfer.annotation.document import AnnotationFormatError

    with pytest.raises(AnnotationFormatError, match=r"^x\.ann: T2: line 2: discontinuous spans are not supported$"):
        from_brat("x", "Ban Thường", "T1\tBODY 0 3\tBan\nT2\tPERSON 0 2;4 5\tBa T\n", "x.ann")
    with pytest.raises(AnnotationFormatError, match=r"^x: E1: line 1: event without Person$"):
        from_brat("x", "Ban", "E1\tDIEU_DONG:T1\nT1\tDIEU_DONG 0 3\tBan\n")
