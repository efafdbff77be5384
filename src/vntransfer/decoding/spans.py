"""Scores -> spans: the span type every decoding stage passes on, the argmax decoding of the entity head's
tag probabilities, and the overlaps SPEC.md allows (a LOCALITY inside a BODY, nothing else)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Optional

import torch

from ..annotation.formats.bio import decode_spans
from ..schema import ALLOWED_NESTING, ENTITY_TYPES, TAGS


@dataclass(frozen=True)
class Span:
    """A span of one sentence: syllables `first` .. `last`, both inclusive, as indices into the sentence's
    syllables (`Sentence.syllables`; not character offsets: `pipeline` turns them into the character offsets
    of an `Entity` or a `Trigger` at the end). `type` is an entity type of `schema.ENTITY_TYPES` (or, for a
    trigger span, an event class of `schema.EVENT_TYPES`); `score` is the model's confidence (mean
    probability of the chosen tags), None where the span was not scored."""

    first: int
    last: int
    type: str
    score: Optional[float] = None

    @property
    def type_index(self) -> int:
        """Position of the entity type in `schema.ENTITY_TYPES` (the entity head's layer)."""
        return ENTITY_TYPES.index(self.type)

    def sort_key(self) -> tuple[int, int, int]:
        """Reading order: by first syllable, the longer span first, then by entity type (schema order)."""
        return self.first, -self.last, self.type_index

    def overlaps(self, other: "Span") -> bool:
        return not (self.last < other.first or other.last < self.first)

    def covers(self, other: "Span") -> bool:
        """`other` lies within this span (on the same or fewer syllables)."""
        return self.first <= other.first and other.last <= self.last

    def with_(self, **changes) -> "Span":
        """A copy with some fields changed (`span.with_(first=3)`)."""
        return replace(self, **changes)


def in_order(spans: Iterable[Span]) -> list[Span]:
    """`spans` sorted by `Span.sort_key`."""
    return sorted(spans, key=Span.sort_key)


def decode_entities(probs: torch.Tensor, best: Optional[torch.Tensor] = None) -> list[Span]:
    """probs: (syllables, types, tags). Spans of the tags `best` (syllables, types), a CRF's Viterbi path, or
    else of the argmax tags of each type layer, scored by the mean probability of their tags; of conflicting
    spans the higher-scoring one is kept."""
    best = probs.argmax(-1) if best is None else best
    candidates = []
    for t, name in enumerate(ENTITY_TYPES):
        tags = [("O" if k == 0 else f"{TAGS[k]}-{name}") for k in best[:, t].tolist()]
        for _, first, last in decode_spans(tags):
            chosen = probs[first:last + 1, t].gather(-1, best[first:last + 1, t:t + 1]).squeeze(-1)
            candidates.append(Span(first, last, name, float(chosen.mean())))
    kept: list[Span] = []
    for c in sorted(candidates, key=lambda c: -c.score):
        if all(compatible(c, k) for k in kept):
            kept.append(c)
    return in_order(kept)


def compatible(a: Span, b: Span) -> bool:
    """The two spans may both stand: apart, or one nested in the other as SPEC.md allows."""
    if not a.overlaps(b):
        return True
    if a.type == b.type:
        return False
    if (a.type, b.type) in ALLOWED_NESTING and b.covers(a):
        return True
    if (b.type, a.type) in ALLOWED_NESTING and a.covers(b):
        return True
    return False


def resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Spans that SPEC.md allows together: a LOCALITY may sit inside a BODY; nothing else overlaps, and a
    span has one type. A BODY that a LOCALITY runs past ([Đảng ủy xã] + [xã Đinh Thanh]) grows over it
    (the place ends the body's name); of any other conflicting spans the surer one stays."""
    grown = []
    for s in spans:
        last = s.last
        if s.type == "BODY":
            for p in spans:
                if p.type == "LOCALITY" and s.first < p.first <= last < p.last:
                    last = p.last
        grown.append(s.with_(last=last))
    kept: list[Span] = []
    for span in sorted(grown, key=lambda x: -x.score):
        if all(not span.overlaps(other) or _nested(span, other) for other in kept):
            kept.append(span)
    return [s for s in grown if s in kept]


def _nested(a: Span, b: Span) -> bool:
    """Two overlapping spans that SPEC.md allows: a LOCALITY within a BODY, on fewer syllables."""
    if (a.first, a.last) == (b.first, b.last):
        return False
    inner, outer = (a, b) if a.type == "LOCALITY" else (b, a)
    return inner.type == "LOCALITY" and outer.type == "BODY" and outer.covers(inner)
