"""Lossless conversions: JSON -> BRAT -> JSON and JSON -> BIO -> spans, on the gold and on events."""
from __future__ import annotations

import dataclasses

from seqeval.metrics.sequence_labeling import get_entities

from vntransfer.cli import main
from vntransfer.corpus import load_documents
from vntransfer.formats.bio import decode_spans, from_bio, to_bio, write_conll
from vntransfer.formats.brat import from_brat, to_brat
from vntransfer.schema import ENTITY_TYPES

from .conftest import ANNOTATIONS


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
