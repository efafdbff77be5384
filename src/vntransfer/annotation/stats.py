"""Counts of entities, relations and events per type and per document."""
from __future__ import annotations

from collections import Counter

from .document import Document
from ..schema import ENTITY_TYPES, RELATION_TYPES
from ..text.syllables import split_syllables


def document_counts(doc: Document) -> Counter:
    c: Counter = Counter()
    c["syllables"] = len(split_syllables(doc.text))
    c.update(e.type for e in doc.entities)
    c.update(r.type for r in doc.relations)
    c["events"] = len(doc.events)
    return c


def stats_table(docs: list[Document]) -> str:
    columns = ["syllables", *ENTITY_TYPES, *RELATION_TYPES, "events"]
    lines = ["| document | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    total: Counter = Counter()
    for d in docs:
        c = document_counts(d)
        total.update(c)
        lines.append(f"| {d.id} | " + " | ".join(str(c[k]) for k in columns) + " |")
    lines.append("| **total** | " + " | ".join(str(total[k]) for k in columns) + " |")
    return "\n".join(lines)
