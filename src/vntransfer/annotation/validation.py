"""Checks of annotated documents against SPEC.md. Every problem is reported; none stops the check.

A problem is `(document id, element id, message)`; `vntransfer validate` prints it as
`file: id: problem`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .document import Document
from ..events import expected_arguments
from ..schema import ALLOWED_NESTING, ENTITY_TYPES, EVENT_TYPES, RELATION_SIGNATURES
from ..text.syllables import syllable_boundaries


@dataclass(frozen=True)
class Problem:
    doc_id: str
    element: str
    message: str

    def format(self, source: str) -> str:
        return f"{source}: {self.element}: {self.message}"


def validate_document(doc: Document) -> list[Problem]:
    problems: list[Problem] = []

    def report(element: str, message: str) -> None:
        problems.append(Problem(doc.id, element, message))

    text = doc.text
    starts, ends = syllable_boundaries(text)

    # ids are unique across entities, relations and events
    counts = Counter([e.id for e in doc.entities] + [r.id for r in doc.relations] + [e.id for e in doc.events])
    for ident, n in counts.items():
        if n > 1:
            report(ident, f"id used {n} times")

    # entities
    good: dict[str, object] = {}
    for e in doc.entities:
        ok = True
        if e.type not in ENTITY_TYPES:
            report(e.id, f"unknown entity type {e.type!r} (allowed: {', '.join(ENTITY_TYPES)})")
            ok = False
        if not (0 <= e.start < e.end <= len(text)):
            report(e.id, f"offsets [{e.start}, {e.end}) outside the text (length {len(text)}) or empty")
            ok = False
        elif text[e.start:e.end] != e.text:
            report(e.id, f"text {e.text!r} != text[{e.start}:{e.end}] = {text[e.start:e.end]!r}")
            ok = False
        else:
            if e.text != e.text.strip():
                report(e.id, f"span {e.text!r} starts or ends with whitespace")
            elif e.start not in starts or e.end not in ends:
                report(e.id, f"span {e.text!r} [{e.start}, {e.end}) cuts through a syllable")
        if ok:
            good[e.id] = e

    # nesting: only LOCALITY inside BODY; same-type spans never overlap
    ordered = sorted(good.values(), key=lambda x: (x.start, -x.end))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.start >= a.end:
                break
            if a.type == b.type:
                report(b.id, f"{b.type} {b.text!r} overlaps {a.id} {a.text!r} of the same type")
            elif (a.start, a.end) == (b.start, b.end):
                report(b.id, f"{b.type} {b.text!r} has the same span as {a.type} {a.id}; a span has one type")
            elif b.end <= a.end and (b.type, a.type) in ALLOWED_NESTING:
                continue
            else:
                report(b.id, f"{b.type} {b.text!r} overlaps {a.type} {a.id} {a.text!r}; only LOCALITY may sit inside BODY")

    # relations
    seen = set()
    for r in doc.relations:
        if r.type not in RELATION_SIGNATURES:
            report(r.id, f"unknown relation type {r.type!r}")
            continue
        missing = [x for x in (r.head, r.tail) if x not in good]
        if missing:
            report(r.id, f"{r.type} refers to missing or invalid entity {', '.join(missing)}")
            continue
        h, t = good[r.head], good[r.tail]
        if (h.type, t.type) not in RELATION_SIGNATURES[r.type]:
            allowed = " or ".join(f"{a}->{b}" for a, b in sorted(RELATION_SIGNATURES[r.type]))
            report(r.id, f"{r.type} {h.type}->{t.type} not allowed (SPEC.md: {allowed})")
        if r.type == "LOCATED_IN" and not (h.start <= t.start and t.end <= h.end):
            report(r.id, f"LOCATED_IN tail {t.id} {t.text!r} is not nested in body {h.id} {h.text!r}")
        if r.head == r.tail:
            report(r.id, "relation from an entity to itself")
        key = (r.type, r.head, r.tail)
        if key in seen:
            report(r.id, f"duplicate relation {r.type} {r.head}->{r.tail}")
        seen.add(key)

    # events agree with the relations
    expected = expected_arguments(doc)
    seen_persons: set[str] = set()
    for ev in doc.events:
        if ev.type not in EVENT_TYPES:
            report(ev.id, f"unknown event type {ev.type!r}")
        if ev.trigger is not None:
            tr = ev.trigger
            if not (0 <= tr.start < tr.end <= len(text)) or text[tr.start:tr.end] != tr.text:
                report(ev.id, f"trigger {tr.text!r} does not match text[{tr.start}:{tr.end}]")
        if ev.person not in good or good[ev.person].type != "PERSON":
            report(ev.id, f"person {ev.person!r} is not a PERSON entity")
            continue
        if ev.person in seen_persons:
            report(ev.id, f"second event for person {ev.person}")
        seen_persons.add(ev.person)
        if ev.person not in expected:
            report(ev.id, f"person {ev.person} has no APPOINTED_TO or TRANSFERRED_TO relation")
            continue
        want_from, want_to, want_dest = expected[ev.person]
        for name, got, want in (("from", ev.from_, want_from), ("to", ev.to, want_to), ("destination", ev.destination, want_dest)):
            if Counter(got) != Counter(want):
                report(ev.id, f"'{name}' {_show(got)} disagrees with the relations, which give {_show(want)}")
    for person in expected:
        if person not in seen_persons:
            report(person, "person has an APPOINTED_TO or TRANSFERRED_TO relation but no event")
    return problems


def _show(items) -> str:
    return "[" + ", ".join(f"{s.position}/{s.body}" if hasattr(s, "position") else str(s) for s in items) + "]"
