"""BRAT standoff (`.txt` + `.ann`) export and import, lossless for SPEC.md documents.

Entities are text-bound annotations `T<n>` with their ids kept; relations `R<n>`; each event is a BRAT
event `E<n>` whose trigger is a text-bound annotation of the event class (a `NoTrigger` span on the
person, labelled `NoTrigger-<class>`, when the trigger is null) and whose arguments are `Person`, `FromPosition<k>`/`FromBody<k>`,
`ToPosition<k>`/`ToBody<k>` and `Destination<k>`. `write_config` writes the annotation.conf and
visual.conf that let brat edit these files.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from ..document import AnnotationFormatError, Document, Entity, Event, Relation, Slot, Trigger
from ..schema import ENTITY_TYPES, EVENT_TYPES, RELATION_SIGNATURES

NO_TRIGGER = "NoTrigger"


def to_brat(doc: Document) -> tuple[str, str]:
    """(txt, ann) contents for `doc`. The .txt is the text exactly as given."""
    lines = []
    for e in doc.entities:
        lines.append(f"T{_num(e.id, 'T')}\t{e.type} {e.start} {e.end}\t{_oneline(e.text)}")
    for r in doc.relations:
        lines.append(f"{r.id}\t{r.type} Arg1:{r.head} Arg2:{r.tail}")
    next_t = max([_num(e.id, "T") for e in doc.entities] + [0]) + 1
    ents = doc.entity_map()
    for ev in doc.events:
        if ev.trigger is None:
            person = ents[ev.person]
            tid, label, start, end, text = f"T{next_t}", f"{NO_TRIGGER}-{ev.type}", person.start, person.end, person.text
        else:
            tid, label, start, end, text = f"T{next_t}", ev.type, ev.trigger.start, ev.trigger.end, ev.trigger.text
        next_t += 1
        lines.append(f"{tid}\t{label} {start} {end}\t{_oneline(text)}")
        args = [f"Person:{ev.person}"]
        for role, slots in (("From", ev.from_), ("To", ev.to)):
            for k, s in enumerate(slots, start=1):
                args.append(f"{role}Position{k}:{s.position}")
                if s.body:
                    args.append(f"{role}Body{k}:{s.body}")
        args += [f"Destination{k}:{d}" for k, d in enumerate(ev.destination, start=1)]
        lines.append(f"{ev.id}\t{label}:{tid} {' '.join(args)}")
    return doc.text, "\n".join(lines) + ("\n" if lines else "")


def _num(ident: str, prefix: str) -> int:
    if not re.fullmatch(prefix + r"\d+", ident):
        raise AnnotationFormatError(f"{ident}: BRAT needs ids of the form {prefix}<number>")
    return int(ident[1:])


def _oneline(text: str) -> str:
    return text.replace("\n", " ").replace("\t", " ")


def from_brat(doc_id: str, txt: str, ann: str, source: str = "") -> Document:
    """Read a BRAT document back. Unknown lines (notes, attributes) raise with the file and line."""
    where = source or doc_id
    spans: dict[str, tuple[str, int, int]] = {}
    entities, relations, raw_events = [], [], []
    for n, line in enumerate(ann.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        ident = fields[0]
        try:
            if ident.startswith("T"):
                label, start, end = fields[1].split(" ")
                if ";" in fields[1]:
                    raise ValueError("discontinuous spans are not allowed")
                start, end = int(start), int(end)
                spans[ident] = (label, start, end)
                if label in ENTITY_TYPES:
                    entities.append(Entity(ident, label, start, end, txt[start:end]))
                elif label not in EVENT_TYPES and label.removeprefix(NO_TRIGGER + "-") not in EVENT_TYPES:
                    raise ValueError(f"unknown label {label!r}")
            elif ident.startswith("R"):
                label, a1, a2 = fields[1].split(" ")
                if label not in RELATION_SIGNATURES:
                    raise ValueError(f"unknown relation {label!r}")
                relations.append(Relation(ident, label, a1.split(":", 1)[1], a2.split(":", 1)[1]))
            elif ident.startswith("E"):
                raw_events.append((ident, fields[1].split(" ")))
            else:
                raise ValueError("only T, R and E lines are understood")
        except (ValueError, IndexError) as exc:
            raise AnnotationFormatError(f"{where}: {ident}: line {n}: {exc}") from None
    events = [_event(ident, parts, spans, txt, where) for ident, parts in raw_events]
    entities.sort(key=lambda e: int(e.id[1:]))
    return Document(doc_id, txt, tuple(entities), tuple(relations), tuple(events))


def _event(ident: str, parts: list[str], spans: dict, txt: str, where: str) -> Event:
    type_, tid = parts[0].split(":", 1)
    trigger: Optional[Trigger] = None
    if type_.startswith(NO_TRIGGER + "-"):
        type_ = type_[len(NO_TRIGGER) + 1:]
    else:
        if tid not in spans:
            raise AnnotationFormatError(f"{where}: {ident}: trigger {tid} not found")
        _, s, e = spans[tid]
        trigger = Trigger(s, e, txt[s:e])
    args: dict[str, str] = dict(p.split(":", 1) for p in parts[1:])
    if "Person" not in args:
        raise AnnotationFormatError(f"{where}: {ident}: event without Person")

    def slots(role: str) -> tuple[Slot, ...]:
        ks = sorted(int(k[len(role) + 8:]) for k in args if re.fullmatch(role + r"Position\d+", k))
        return tuple(Slot(args[f"{role}Position{k}"], args.get(f"{role}Body{k}")) for k in ks)

    dests = sorted((int(k[11:]), v) for k, v in args.items() if re.fullmatch(r"Destination\d+", k))
    return Event(ident, type_, trigger, args["Person"], slots("From"), slots("To"), tuple(v for _, v in dests))


def export_brat(doc: Document, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    txt, ann = to_brat(doc)
    t, a = folder / f"{doc.id}.txt", folder / f"{doc.id}.ann"
    # newline="" keeps the text byte for byte (no newline translation)
    with t.open("w", encoding="utf-8", newline="") as f:
        f.write(txt)
    with a.open("w", encoding="utf-8", newline="") as f:
        f.write(ann)
    return t, a


def import_brat(ann_path: Path) -> Document:
    txt_path = ann_path.with_suffix(".txt")
    with txt_path.open(encoding="utf-8", newline="") as f:
        txt = f.read()
    return from_brat(ann_path.stem, txt, ann_path.read_text(encoding="utf-8"), str(ann_path))


def write_config(folder: Path) -> None:
    """annotation.conf and visual.conf for brat, generated from the schema."""
    folder.mkdir(parents=True, exist_ok=True)
    rel_lines = []
    for rel, sigs in RELATION_SIGNATURES.items():
        heads = "|".join(sorted({h for h, _ in sigs}))
        tails = "|".join(sorted({t for _, t in sigs}))
        rel_lines.append(f"{rel}\tArg1:{heads}, Arg2:{tails}")
    ev_args = ("Person:PERSON, FromPosition*:POSITION, FromBody*:BODY, ToPosition*:POSITION, "
               "ToBody*:BODY, Destination*:BODY|LOCALITY")
    ev_lines = [f"{t}\t{ev_args}" for t in EVENT_TYPES] + [f"{NO_TRIGGER}-{t}\t{ev_args}" for t in EVENT_TYPES]
    conf = "\n".join(["[entities]", *ENTITY_TYPES, "", "[relations]", *rel_lines,
                      "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
                      "", "[events]", *ev_lines, "", "[attributes]", ""])
    (folder / "annotation.conf").write_text(conf + "\n", encoding="utf-8")
    (folder / "visual.conf").write_text(
        "[labels]\n" + "\n".join(f"{t} | {t.title()}" for t in ENTITY_TYPES) + "\n\n[drawing]\n"
        "PERSON\tbgColor:#ffccaa\nPOSITION\tbgColor:#aaccff\nBODY\tbgColor:#ccffaa\nLOCALITY\tbgColor:#ffffaa\n",
        encoding="utf-8",
    )
