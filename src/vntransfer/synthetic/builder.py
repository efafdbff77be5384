"""Text built piece by piece with its spans: the annotation is exact by construction."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from ..annotation.document import Document, Entity, Relation, Trigger
from ..events import assemble_events, find_triggers, trigger_class
from ..text.words import split_sentences


@dataclass
class Builder:
    """Text built piece by piece with its spans; `nfd` writes every piece decomposed."""

    nfd: bool = False
    parts: list[str] = field(default_factory=list)
    length: int = 0
    entities: list[tuple[str, int, int]] = field(default_factory=list)
    relations: list[tuple[str, int, int]] = field(default_factory=list)
    #: trigger words written with their class (start, end, class), and words that look like triggers
    #: but govern no move here ("kết quả bầu" after "phê chuẩn"); the lexicon finds the rest
    triggers: list[tuple[int, int, str]] = field(default_factory=list)
    quiet: list[tuple[int, int]] = field(default_factory=list)

    def trig(self, s: str, cls: str) -> None:
        start = self.length
        self.add(s)
        self.triggers.append((start, self.length, cls))

    def hush(self, s: str) -> None:
        start = self.length
        self.add(s)
        self.quiet.append((start, self.length))

    def add(self, s: str) -> None:
        if self.nfd:
            s = unicodedata.normalize("NFD", s)
        self.parts.append(s)
        self.length += len(s)

    def ent(self, type_: str, s: str) -> int:
        start = self.length
        self.add(s)
        self.entities.append((type_, start, self.length))
        return len(self.entities) - 1

    def rel(self, type_: str, head: Optional[int], tail: Optional[int]) -> None:
        if head is not None and tail is not None:
            self.relations.append((type_, head, tail))

    def document(self, ident: str, meta: dict) -> Document:
        text = "".join(self.parts)
        order = sorted(range(len(self.entities)), key=lambda i: (self.entities[i][1], -self.entities[i][2]))
        new = {old: f"T{n}" for n, old in enumerate(order, start=1)}
        ents = tuple(Entity(new[i], self.entities[i][0], self.entities[i][1], self.entities[i][2],
                            text[self.entities[i][1]:self.entities[i][2]]) for i in order)
        rels = tuple(Relation(f"R{n}", t, new[h], new[tl]) for n, (t, h, tl) in enumerate(self.relations, start=1))
        doc = Document(ident, text, ents, rels, meta=meta)
        written = [(Trigger(s, e, text[s:e]), c) for s, e, c in self.triggers]
        taken = [(s, e) for s, e, _ in self.triggers] + self.quiet
        found = [(t, trigger_class(t)) for t in find_triggers(text, 0, len(text))
                 if not any(t.start < e and s < t.end for s, e in taken)]
        events = assemble_events(doc, split_sentences(text), triggers=written + found)
        return Document(ident, text, ents, rels, events, meta=meta)


def lowercase_words(s: str) -> str:
    """Lowercase every word but acronyms (UBND, HĐND, TP.)."""
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in s.split(" "))
