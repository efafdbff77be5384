"""BRAT standoff (`.txt` + `.ann`) export and import, lossless for SPEC.md documents.

Entities are text-bound annotations `T<n>` with their ids kept; relations `R<n>`; each event is a BRAT
event `E<n>` whose trigger is a text-bound annotation of the event class (a `NoTrigger` span on the
person, labelled `NoTrigger-<class>`, when the trigger is null) and whose arguments are `Person`, `FromPosition<k>`/`FromBody<k>`,
`ToPosition<k>`/`ToBody<k>` and `Destination<k>`. `write_config` writes the annotation.conf and
visual.conf that let brat edit these files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..document import AnnotationFormatError, Document, Entity, Event, Relation, Slot, Trigger
from ...schema import ENTITY_TYPES, EVENT_TYPES, RELATION_SIGNATURES

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


@dataclass(frozen=True)
class BratProblem:
    """A problem of a BRAT document: the annotation id, the .ann line (when there is one) and the message."""

    ident: str
    line: Optional[int]
    message: str

    def format(self, source: str) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{source}: {self.ident}: {where}{self.message}"


ROLE = re.compile(r"Person|(From|To)(Position|Body)\d+|Destination\d+")


def from_brat(doc_id: str, txt: str, ann: str, source: str = "") -> Document:
    """Read a BRAT document back. Unknown lines (notes, attributes), bad offsets, text that differs from
    the .txt, dangling or duplicate ids raise with the file, id and line of the first problem."""
    doc, problems = check_brat(doc_id, txt, ann, validate=False)
    if problems:
        raise AnnotationFormatError(problems[0].format(source or doc_id))
    return doc


def check_brat(doc_id: str, txt: str, ann: str, validate: bool = True) -> tuple[Optional[Document], list[BratProblem]]:
    """(document, []) for a sound BRAT document, else (None, every problem found). With `validate`, a
    document that reads cleanly is also checked against SPEC.md (`validate_document`)."""
    problems: list[BratProblem] = []
    lines: dict[str, int] = {}  # id -> its .ann line
    spans: dict[str, tuple[str, int, int]] = {}
    entities: list[Entity] = []
    relations: list[tuple[int, Relation]] = []
    raw_events: list[tuple[int, str, str, dict[str, str]]] = []  # line, id, "TYPE:T<n>", arguments
    for n, line in enumerate(ann.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        ident = fields[0].strip()

        def report(message: str) -> None:
            problems.append(BratProblem(ident or "?", n, message))

        if not ident:
            report("a line without an id")
            continue
        if ident in lines:
            report(f"duplicate id (first on line {lines[ident]})")
            continue
        lines[ident] = n
        kind = ident[0]
        if kind == "T":
            if not re.fullmatch(r"T\d+", ident):
                report("a text-bound id must be T<number>")
            elif len(fields) < 3:
                report("truncated line: expected 'T<n>\\tTYPE START END\\tTEXT'")
            elif len(fields) > 3:
                report(f"{len(fields)} tab-separated fields, expected 3")
            elif ";" in fields[1]:
                report("discontinuous spans are not supported")
            else:
                parts = fields[1].split(" ")
                if len(parts) != 3:
                    report(f"expected 'TYPE START END', got {fields[1]!r}")
                    continue
                label, start, end = parts
                if not (re.fullmatch(r"\d+", start) and re.fullmatch(r"\d+", end)):
                    report(f"offsets must be whole numbers, got {start!r} {end!r}")
                    continue
                start, end = int(start), int(end)
                if label not in ENTITY_TYPES and label not in EVENT_TYPES and label.removeprefix(NO_TRIGGER + "-") not in EVENT_TYPES:
                    report(f"unknown label {label!r}")
                elif not start < end <= len(txt):
                    report(f"offsets [{start}, {end}) outside the text (length {len(txt)}) or empty")
                elif fields[2] != _oneline(txt[start:end]):
                    report(f"text {fields[2]!r} != text[{start}:{end}] = {txt[start:end]!r}")
                else:
                    spans[ident] = (label, start, end)
                    if label in ENTITY_TYPES:
                        entities.append(Entity(ident, label, start, end, txt[start:end]))
        elif kind == "R":
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) < 3:
                report("truncated line: expected 'R<n>\\tTYPE Arg1:T<n> Arg2:T<n>'")
            elif len(parts) > 3 or not (parts[1].startswith("Arg1:") and parts[2].startswith("Arg2:")):
                report(f"expected 'TYPE Arg1:T<n> Arg2:T<n>', got {fields[1]!r}")
            elif parts[0] not in RELATION_SIGNATURES:
                report(f"unknown relation {parts[0]!r}")
            else:
                relations.append((n, Relation(ident, parts[0], parts[1][5:], parts[2][5:])))
        elif kind == "E":
            parts = fields[1].split() if len(fields) > 1 else []
            if not parts:
                report("event line without type, trigger and arguments")
                continue
            head, *rest = parts
            if ":" not in head or not all(head.split(":", 1)):
                report(f"event must start with 'TYPE:T<n>', got {head!r}")
                continue
            args: dict[str, str] = {}
            for part in rest:
                role, _, value = part.partition(":")
                if not role or not value:
                    report(f"argument {part!r} is not ROLE:ID")
                elif not ROLE.fullmatch(role):
                    report(f"unknown argument role {role!r}")
                elif role in args:
                    report(f"argument role {role} given twice")
                else:
                    args[role] = value
            if "Person" not in args:
                report("event without Person")
            raw_events.append((n, ident, head, args))
        else:
            report("only T, R and E lines are understood")

    entity_ids = {e.id for e in entities}
    for n, r in relations:
        for arg, value in (("Arg1", r.head), ("Arg2", r.tail)):
            if value not in entity_ids:
                problems.append(BratProblem(r.id, n, f"{arg} {value} is not an entity of this document"))
    events = []
    for n, ident, head, args in raw_events:
        type_, tid = head.split(":", 1)
        trigger: Optional[Trigger] = None
        no_trigger = type_.startswith(NO_TRIGGER + "-")
        if no_trigger:
            type_ = type_[len(NO_TRIGGER) + 1:]
        if type_ not in EVENT_TYPES:
            problems.append(BratProblem(ident, n, f"unknown event type {type_!r}"))
        if tid not in spans:
            problems.append(BratProblem(ident, n, f"trigger {tid} not found"))
        elif spans[tid][0] in ENTITY_TYPES:
            problems.append(BratProblem(ident, n, f"trigger {tid} is a {spans[tid][0]} entity, not a trigger"))
        elif not no_trigger:
            _, s, e = spans[tid]
            trigger = Trigger(s, e, txt[s:e])
        for role, value in args.items():
            if value not in entity_ids:
                problems.append(BratProblem(ident, n, f"{role} {value} is not an entity of this document"))

        def slots(role: str) -> tuple[Slot, ...]:
            ks = sorted(int(k[len(role) + 8:]) for k in args if re.fullmatch(role + r"Position\d+", k))
            return tuple(Slot(args[f"{role}Position{k}"], args.get(f"{role}Body{k}")) for k in ks)

        dests = sorted((int(k[11:]), v) for k, v in args.items() if re.fullmatch(r"Destination\d+", k))
        events.append(Event(ident, type_, trigger, args.get("Person", ""), slots("From"), slots("To"),
                            tuple(v for _, v in dests)))
    if problems:
        return None, problems
    entities.sort(key=lambda e: int(e.id[1:]))
    doc = Document(doc_id, txt, tuple(entities), tuple(r for _, r in relations), tuple(events))
    if validate:
        from ..validation import validate_document

        problems = [BratProblem(p.element, lines.get(p.element), p.message) for p in validate_document(doc)]
        if problems:
            return None, problems
    return doc, []


def read_brat_files(ann_path: Path) -> tuple[str, str]:
    """(txt, ann) of a BRAT document, as UTF-8 and byte for byte (no newline translation). Raises OSError
    or UnicodeDecodeError; the messages name the file."""
    out = []
    for path in (ann_path.with_suffix(".txt"), ann_path):
        data = path.read_bytes()
        try:
            out.append(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise UnicodeDecodeError(exc.encoding, exc.object, exc.start, exc.end,
                                     f"{path}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start})") from None
    return out[0], out[1]


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
    txt, ann = read_brat_files(ann_path)
    return from_brat(ann_path.stem, txt, ann, str(ann_path))


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
