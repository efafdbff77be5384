"""Reconcile the two independent passes (annotations/passes/a, b) into the gold files in annotations/.

Gold = union of what the passes agree on and what one pass has, minus the items rejected below, each
rejection with its reason (GUIDELINES.md, "Reconciliation"). Ids are renumbered in text order.
Run: python annotations/reconcile.py
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from vntransfer.annotation.corpus import load_documents, write_document  # noqa: E402
from vntransfer.annotation.document import Document, Entity, Event, Relation, Slot  # noqa: E402
from vntransfer.annotation.validation import validate_document  # noqa: E402

# (document, kind, type, surface text, start offset of the item) that one pass had and the other did not, rejected
REJECTED = {
    ("000_72f8aaa742858bff", "entity", "LOCALITY", "Điện Biên", 10719):
        "in 'UBND tỉnh Điện Biên' the admin word directly precedes the name: the LOCALITY is [tỉnh Điện Biên]",
    ("000_72f8aaa742858bff", "relation", "LOCATED_IN", "UBND tỉnh Điện Biên -> Điện Biên", 10709):
        "follows the LOCALITY decision above",
}


def _key(doc: Document, e: Entity) -> tuple:
    return (e.type, e.start, e.end)


def reconcile(a: Document, b: Document) -> Document:
    text = a.text
    ents: dict[tuple, Entity] = {}
    for doc in (a, b):
        for e in doc.entities:
            if (a.id, "entity", e.type, e.text, e.start) in REJECTED:
                continue
            ents.setdefault(_key(doc, e), e)
    ordered = sorted(ents, key=lambda k: (k[1], -k[2], k[0]))
    new_id = {k: f"T{i}" for i, k in enumerate(ordered, start=1)}
    entities = tuple(Entity(new_id[k], k[0], k[1], k[2], text[k[1]:k[2]]) for k in ordered)

    def remap(doc: Document, ident):
        if ident is None:
            return None
        e = doc.entity_map()[ident]
        return new_id.get(_key(doc, e))

    rels: dict[tuple, None] = {}
    for doc in (a, b):
        em = doc.entity_map()
        for r in doc.relations:
            label = f"{em[r.head].text} -> {em[r.tail].text}"
            if (a.id, "relation", r.type, label, em[r.head].start) in REJECTED:
                continue
            h, t = remap(doc, r.head), remap(doc, r.tail)
            if h and t:
                rels.setdefault((r.type, h, t), None)
    relations = tuple(Relation(f"R{i}", *k) for i, k in enumerate(rels, start=1))

    events = []
    for ev in a.events:  # the passes agree on every event (see GUIDELINES.md)
        events.append(Event(
            id=ev.id, type=ev.type, trigger=ev.trigger, person=remap(a, ev.person),
            from_=tuple(Slot(remap(a, s.position), remap(a, s.body)) for s in ev.from_),
            to=tuple(Slot(remap(a, s.position), remap(a, s.body)) for s in ev.to),
            destination=tuple(remap(a, x) for x in ev.destination),
        ))
    return Document(a.id, text, entities, relations, tuple(events))


def main() -> int:
    pass_a = {d.id: d for d in load_documents([HERE / "passes" / "a"])}
    pass_b = {d.id: d for d in load_documents([HERE / "passes" / "b"])}
    bad = 0
    for ident in sorted(pass_a):
        gold = reconcile(pass_a[ident], pass_b[ident])
        for p in validate_document(gold):
            print(f"{ident}: {p.element}: {p.message}")
            bad += 1
        write_document(gold, HERE / f"{ident}.json")
        print(f"{ident}: {len(gold.entities)} entities, {len(gold.relations)} relations, {len(gold.events)} events")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
