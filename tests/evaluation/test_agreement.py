from __future__ import annotations

import dataclasses

from vntransfer.evaluation.agreement import agreement, agreement_markdown


def test_identical_passes_agree_fully(gold_documents):
    rows = agreement(gold_documents, gold_documents)
    assert all(r["entities"].f1 == 1.0 and r["relations"].f1 == 1.0 for r in rows)


def test_a_missed_entity_lowers_entity_f1(transfer_doc):
    b = dataclasses.replace(transfer_doc, entities=transfer_doc.entities[:-1])
    (row,) = agreement([transfer_doc], [b])
    assert row["entities"].tp == len(transfer_doc.entities) - 1 and row["entities"].fn == 1
    assert row["entities"].f1 < 1.0
    assert "| t | 8/7 |" in agreement_markdown([row])
