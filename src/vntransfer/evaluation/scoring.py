"""Precision, recall and F1 over sets of comparable items (SPEC.md, "Scoring").

Items are keyed so that gold and predicted documents compare without sharing ids:
entities by (type, start, end), relations by (type, head span, tail span), event arguments by the
person span and (role, span) pairs.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Hashable, Iterable

from ..annotation.document import Document


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else (1.0 if not self.fp else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def __add__(self, other: "PRF") -> "PRF":
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def to_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "support": self.support}


def compare(gold: Iterable[Hashable], pred: Iterable[Hashable]) -> PRF:
    g, p = Counter(gold), Counter(pred)
    tp = sum((g & p).values())
    return PRF(tp, sum(p.values()) - tp, sum(g.values()) - tp)


def entity_keys(doc: Document) -> list[tuple]:
    return [(e.type, e.start, e.end) for e in doc.entities]


def relation_keys(doc: Document, strict: bool = True) -> list[tuple]:
    """strict: relation type and typed head/tail spans; boundaries: relation type and spans only."""
    ents = doc.entity_map()
    out = []
    for r in doc.relations:
        h, t = ents.get(r.head), ents.get(r.tail)
        if h is None or t is None:
            continue
        if strict:
            out.append((r.type, h.type, h.start, h.end, t.type, t.start, t.end))
        else:
            out.append((r.type, h.start, h.end, t.start, t.end))
    return out


def event_argument_keys(doc: Document) -> list[tuple]:
    """(person span, role, value) pairs of every event: type, from, to and destination."""
    ents = doc.entity_map()

    def span(ident):
        e = ents.get(ident)
        return None if e is None else (e.start, e.end)

    out = []
    for ev in doc.events:
        person = span(ev.person)
        out.append((person, "type", ev.type))
        for role, slots in (("from", ev.from_), ("to", ev.to)):
            for s in slots:
                out.append((person, role, span(s.position), span(s.body) if s.body else None))
        for d in ev.destination:
            out.append((person, "destination", span(d)))
    return out


def event_person_keys(doc: Document) -> list[tuple]:
    ents = doc.entity_map()
    return [(ents[ev.person].start, ents[ev.person].end) for ev in doc.events if ev.person in ents]


def per_type(gold: list[tuple], pred: list[tuple], type_of: Callable[[tuple], str]) -> dict[str, PRF]:
    types = sorted({type_of(x) for x in gold} | {type_of(x) for x in pred})
    return {t: compare([x for x in gold if type_of(x) == t], [x for x in pred if type_of(x) == t]) for t in types}
