"""The data model of SPEC.md: frozen dataclasses with character offsets into the text as given.

Gold annotations and predictions share these classes and their JSON form (`to_dict` / `from_dict`).
`from_dict` checks the shape of the JSON (fields and their Python types) and raises
`AnnotationFormatError`; the meaning of the content (offsets, types, consistency) is checked by
`vntransfer.annotation.validation`, which reports every problem instead of stopping at the first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


class AnnotationFormatError(ValueError):
    """A JSON object that cannot be read as a SPEC.md document; the message names the offending id."""


def _require(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict):
        raise AnnotationFormatError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    if key not in obj:
        raise AnnotationFormatError(f"{where}: missing field '{key}'")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise AnnotationFormatError(f"{where}: field '{key}' must be {names}, got {value!r}")
    return value


def _offset(obj: dict, key: str, where: str) -> int:
    value = _require(obj, key, int, where)
    if isinstance(value, bool):
        raise AnnotationFormatError(f"{where}: field '{key}' must be int, got {value!r}")
    return value


@dataclass(frozen=True)
class Entity:
    """A typed span `[start, end)` of the document text. `score` is set on predictions only."""

    id: str
    type: str
    start: int
    end: int
    text: str
    score: Optional[float] = None

    def to_dict(self) -> dict:
        d = {"id": self.id, "type": self.type, "start": self.start, "end": self.end, "text": self.text}
        if self.score is not None:
            d["score"] = round(float(self.score), 6)
        return d

    @classmethod
    def from_dict(cls, d: dict, where: str = "entity") -> "Entity":
        ident = _require(d, "id", str, where)
        where = f"{ident}"
        score = d.get("score")
        return cls(
            id=ident,
            type=_require(d, "type", str, where),
            start=_offset(d, "start", where),
            end=_offset(d, "end", where),
            text=_require(d, "text", str, where),
            score=float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
        )


@dataclass(frozen=True)
class Relation:
    """A directed, typed link `head -> tail` between two entity ids."""

    id: str
    type: str
    head: str
    tail: str
    score: Optional[float] = None

    def to_dict(self) -> dict:
        d = {"id": self.id, "type": self.type, "head": self.head, "tail": self.tail}
        if self.score is not None:
            d["score"] = round(float(self.score), 6)
        return d

    @classmethod
    def from_dict(cls, d: dict, where: str = "relation") -> "Relation":
        ident = _require(d, "id", str, where)
        score = d.get("score")
        return cls(
            id=ident,
            type=_require(d, "type", str, ident),
            head=_require(d, "head", str, ident),
            tail=_require(d, "tail", str, ident),
            score=float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
        )


@dataclass(frozen=True)
class Trigger:
    """The word that governs an event (`điều động`, `bổ nhiệm`, ...), as offsets into the text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict, where: str) -> "Trigger":
        return cls(start=_offset(d, "start", where), end=_offset(d, "end", where), text=_require(d, "text", str, where))


@dataclass(frozen=True)
class Slot:
    """A post in an event: a POSITION entity id and the BODY id it is OF (or None)."""

    position: str
    body: Optional[str] = None

    def to_dict(self) -> dict:
        return {"position": self.position, "body": self.body}

    @classmethod
    def from_dict(cls, d: dict, where: str) -> "Slot":
        body = d.get("body") if isinstance(d, dict) else None
        if body is not None and not isinstance(body, str):
            raise AnnotationFormatError(f"{where}: slot 'body' must be an id or null, got {body!r}")
        return cls(position=_require(d, "position", str, where), body=body)


@dataclass(frozen=True)
class Event:
    """A transfer event of one person (SPEC.md, "Transfer events")."""

    id: str
    type: str
    trigger: Optional[Trigger]
    person: str
    from_: tuple[Slot, ...] = ()
    to: tuple[Slot, ...] = ()
    destination: tuple[str, ...] = ()
    score: Optional[float] = None

    def to_dict(self) -> dict:
        d = {
            "id": self.id,
            "type": self.type,
            "trigger": self.trigger.to_dict() if self.trigger else None,
            "person": self.person,
            "from": [s.to_dict() for s in self.from_],
            "to": [s.to_dict() for s in self.to],
            "destination": list(self.destination),
        }
        if self.score is not None:
            d["score"] = round(float(self.score), 6)
        return d

    @classmethod
    def from_dict(cls, d: dict, where: str = "event") -> "Event":
        ident = _require(d, "id", str, where)
        trigger = d.get("trigger")
        if trigger is not None and not isinstance(trigger, dict):
            raise AnnotationFormatError(f"{ident}: field 'trigger' must be an object or null")
        for key in ("from", "to", "destination"):
            if not isinstance(d.get(key, []), list):
                raise AnnotationFormatError(f"{ident}: field '{key}' must be a list")
        destination = d.get("destination", [])
        if not all(isinstance(x, str) for x in destination):
            raise AnnotationFormatError(f"{ident}: field 'destination' must be a list of ids")
        score = d.get("score")
        return cls(
            id=ident,
            type=_require(d, "type", str, ident),
            trigger=Trigger.from_dict(trigger, ident) if trigger is not None else None,
            person=_require(d, "person", str, ident),
            from_=tuple(Slot.from_dict(s, ident) for s in d.get("from", [])),
            to=tuple(Slot.from_dict(s, ident) for s in d.get("to", [])),
            destination=tuple(destination),
            score=float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
        )


@dataclass(frozen=True)
class Document:
    """A text with its entities, relations and events."""

    id: str
    text: str
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()
    events: tuple[Event, ...] = ()
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict:
        d = {
            "id": self.id,
            "text": self.text,
            "entities": [e.to_dict() for e in self.entities],
            "relations": [r.to_dict() for r in self.relations],
            "events": [e.to_dict() for e in self.events],
        }
        if self.meta:
            d["meta"] = dict(self.meta)
        return d

    @classmethod
    def from_dict(cls, d: Any) -> "Document":
        if not isinstance(d, dict):
            raise AnnotationFormatError(f"document: expected a JSON object, got {type(d).__name__}")
        ident = _require(d, "id", str, "document")
        text = _require(d, "text", str, ident)
        lists = {}
        for key in ("entities", "relations", "events"):
            value = d.get(key, [])
            if not isinstance(value, list):
                raise AnnotationFormatError(f"{ident}: field '{key}' must be a list")
            lists[key] = value
        meta = d.get("meta", {})
        return cls(
            id=ident,
            text=text,
            entities=tuple(Entity.from_dict(e, f"{ident}: entity #{i}") for i, e in enumerate(lists["entities"])),
            relations=tuple(Relation.from_dict(r, f"{ident}: relation #{i}") for i, r in enumerate(lists["relations"])),
            events=tuple(Event.from_dict(e, f"{ident}: event #{i}") for i, e in enumerate(lists["events"])),
            meta=dict(meta) if isinstance(meta, dict) else {},
        )

    # -- lookups -------------------------------------------------------------------------------
    def entity(self, ident: str) -> Entity:
        for e in self.entities:
            if e.id == ident:
                return e
        raise KeyError(ident)

    def entity_map(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}
