"""Inline bracket markup for writing annotated documents by hand, converted to SPEC.md JSON.

Writers type the text once with the spans marked in place, then list the relations and the event
triggers; offsets are computed here, so they cannot drift from the text. One document per block:

    # id: w6_01
    [BODY#b1 Ban Thường vụ [BODY#b2 Tỉnh ủy [LOCALITY#l1 Nghệ An]]] [TRIG#g1 điều động] ông
    [PERSON#p1 Nguyễn Văn An], [POSITION#t1 Phó Giám đốc] [BODY#b3 Sở Y tế], giữ chức
    [POSITION#t2 Giám đốc] [BODY#b4 Sở Nội vụ].
    ---
    p1 HOLDS t1
    t1 OF b3
    p1 APPOINTED_TO t2
    t2 OF b4
    b2 LOCATED_IN l1
    g1 DIEU_DONG p1
    - OTHER p2          (an event with no trigger word)

`[TYPE#id text]` marks a span (nesting allowed: LOCALITY inside BODY); `[TRIG#id text]` marks a
trigger word, which is no entity. Below `---`, a line is either `head TYPE tail` (a relation) or
`trigger CLASS person...` (the event class of each person's move; `-` for a null trigger). Events'
`from`, `to` and `destination` follow from the relations, as SPEC.md defines them. Blocks are
separated by a line holding only `===`. A literal bracket in the text is written `\\[` or `\\]`.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..document import Document, Entity, Event, Relation, Trigger
from ...events import expected_arguments
from ...schema import ENTITY_TYPES, EVENT_TYPES, RELATION_TYPES


class MarkupError(ValueError):
    """A markup block that cannot be converted; the message names the document id and the line."""


_OPEN = re.compile(r"\[([A-Z_]+)#([A-Za-z0-9_]+) ")


def parse_text(marked: str, where: str) -> tuple[str, list[tuple[str, str, int, int]]]:
    """Plain text and (id, type, start, end) spans from one marked-up text."""
    out: list[str] = []
    spans: list[tuple[str, str, int, int]] = []
    stack: list[tuple[str, str, int]] = []
    pos, i = 0, 0
    while i < len(marked):
        ch = marked[i]
        if ch == "\\" and i + 1 < len(marked) and marked[i + 1] in "[]":
            out.append(marked[i + 1])
            pos += 1
            i += 2
            continue
        if ch == "[":
            m = _OPEN.match(marked, i)
            if not m:
                line = marked.count("\n", 0, i) + 1
                raise MarkupError(f"{where}: text line {line}: '[' must open '[TYPE#id ' (write \\[ for a bracket)")
            stack.append((m.group(2), m.group(1), pos))
            i = m.end()
            continue
        if ch == "]":
            if not stack:
                line = marked.count("\n", 0, i) + 1
                raise MarkupError(f"{where}: text line {line}: ']' closes nothing (write \\] for a bracket)")
            ident, typ, start = stack.pop()
            spans.append((ident, typ, start, pos))
            i += 1
            continue
        out.append(ch)
        pos += 1
        i += 1
    if stack:
        raise MarkupError(f"{where}: span {stack[-1][0]} is never closed")
    return "".join(out), spans


def parse_block(block: str, default_id: str = "doc") -> Document:
    """One markup block -> a Document (events assembled from the relations and trigger lines)."""
    lines = block.strip("\n").split("\n")
    doc_id = default_id
    if lines and lines[0].startswith("# id:"):
        doc_id = lines[0][len("# id:"):].strip()
        lines = lines[1:]
    if "---" not in [ln.strip() for ln in lines]:
        raise MarkupError(f"{doc_id}: no '---' line between the text and the relations")
    cut = [ln.strip() for ln in lines].index("---")
    text, spans = parse_text("\n".join(lines[:cut]).strip("\n"), doc_id)

    entities, triggers, seen = [], {}, set()
    for ident, typ, start, end in sorted(spans, key=lambda s: (s[2], -s[3])):
        if ident in seen:
            raise MarkupError(f"{doc_id}: id {ident} is used twice")
        seen.add(ident)
        if typ == "TRIG":
            triggers[ident] = Trigger(start, end, text[start:end])
        elif typ in ENTITY_TYPES:
            entities.append(Entity(ident, typ, start, end, text[start:end]))
        else:
            raise MarkupError(f"{doc_id}: {ident}: unknown span type {typ}")

    relations, event_class, event_trigger = [], {}, {}
    for n, raw in enumerate(lines[cut + 1:], start=cut + 2):
        parts = raw.split()
        if not parts or raw.lstrip().startswith("#"):
            continue
        where = f"{doc_id}: line {n} ({raw.strip()!r})"
        if len(parts) == 3 and parts[1] in RELATION_TYPES:
            head, typ, tail = parts
            for ident in (head, tail):
                if ident not in seen or ident in triggers:
                    raise MarkupError(f"{where}: {ident} is no entity")
            relations.append(Relation(f"R{len(relations) + 1}", typ, head, tail))
        elif len(parts) >= 3 and parts[1] in EVENT_TYPES:
            trig, cls, persons = parts[0], parts[1], parts[2:]
            if trig != "-" and trig not in triggers:
                raise MarkupError(f"{where}: {trig} is no [TRIG#...] span")
            for p in persons:
                if p in event_class:
                    raise MarkupError(f"{where}: {p} already has an event")
                event_class[p] = cls
                event_trigger[p] = triggers.get(trig)
        else:
            raise MarkupError(f"{where}: expected 'head RELATION tail' or 'trigger CLASS person...'")

    doc = Document(doc_id, text, tuple(entities), tuple(relations), ())
    starts = {e.id: e.start for e in entities}
    moved = expected_arguments(doc)
    missing = sorted(set(moved) - set(event_class))
    extra = sorted(set(event_class) - set(moved))
    if missing:
        raise MarkupError(f"{doc_id}: moved persons without a trigger line: {', '.join(missing)}")
    if extra:
        raise MarkupError(f"{doc_id}: trigger lines for persons with no APPOINTED_TO/TRANSFERRED_TO: {', '.join(extra)}")
    events = tuple(
        Event(f"E{k}", event_class[p], event_trigger[p], p, from_, to, dest)
        for k, (p, (from_, to, dest)) in enumerate(sorted(moved.items(), key=lambda kv: starts[kv[0]]), start=1)
    )
    return Document(doc_id, text, tuple(entities), tuple(relations), events)


def parse_markup(source: str, name: str = "markup") -> Iterator[Document]:
    """Every `===`-separated block of `source` as a Document."""
    blocks = re.split(r"^===\s*$", source, flags=re.MULTILINE)
    for k, block in enumerate(blocks, start=1):
        if block.strip():
            yield parse_block(block, default_id=f"{name}_{k}")
