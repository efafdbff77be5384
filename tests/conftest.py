from __future__ import annotations

from pathlib import Path

import pytest

from vntransfer.corpus import load_documents
from vntransfer.document import Document

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = ROOT / "annotations"


def make_doc(text: str, entities: list[tuple], relations: list[tuple] = (), events: list[dict] = (), id: str = "t") -> dict:
    """A SPEC.md dict from (type, surface, occurrence) entities; offsets are computed, ids T1.."""
    ents = []
    for n, (type_, surface, *occ) in enumerate(entities, start=1):
        start = -1
        for _ in range((occ[0] if occ else 0) + 1):
            start = text.index(surface, start + 1)
        ents.append({"id": f"T{n}", "type": type_, "start": start, "end": start + len(surface), "text": surface})
    rels = [{"id": f"R{n}", "type": t, "head": h, "tail": tl} for n, (t, h, tl) in enumerate(relations, start=1)]
    return {"id": id, "text": text, "entities": ents, "relations": rels, "events": list(events)}


TRANSFER_TEXT = ("Ban Thường vụ Tỉnh ủy quyết định điều động, bổ nhiệm ông Nguyễn Văn A, Phó Giám đốc Sở Y tế, "
                 "giữ chức Giám đốc Sở Nội vụ tỉnh Lào Cai và cử về xã Bản Lầu.")


@pytest.fixture
def transfer_dict() -> dict:
    """A hand-written transfer with every relation type and a full event."""
    d = make_doc(
        TRANSFER_TEXT,
        [("BODY", "Ban Thường vụ Tỉnh ủy"), ("PERSON", "Nguyễn Văn A"), ("POSITION", "Phó Giám đốc"),
         ("BODY", "Sở Y tế"), ("POSITION", "Giám đốc", 1), ("BODY", "Sở Nội vụ tỉnh Lào Cai"),
         ("LOCALITY", "tỉnh Lào Cai"), ("LOCALITY", "xã Bản Lầu")],
        [("HOLDS", "T2", "T3"), ("OF", "T3", "T4"), ("APPOINTED_TO", "T2", "T5"), ("OF", "T5", "T6"),
         ("LOCATED_IN", "T6", "T7"), ("TRANSFERRED_TO", "T2", "T8")],
    )
    start = TRANSFER_TEXT.index("điều động")
    d["events"] = [{"id": "E1", "type": "DIEU_DONG", "trigger": {"start": start, "end": start + 9, "text": "điều động"},
                    "person": "T2", "from": [{"position": "T3", "body": "T4"}], "to": [{"position": "T5", "body": "T6"}],
                    "destination": ["T8"]}]
    return d


@pytest.fixture
def transfer_doc(transfer_dict) -> Document:
    return Document.from_dict(transfer_dict)


@pytest.fixture(scope="session")
def gold_documents() -> list[Document]:
    docs = load_documents(sorted(ANNOTATIONS.glob("*.json")))
    assert len(docs) == 5
    return docs
