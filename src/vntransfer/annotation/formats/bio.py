"""Per-type BIO tags over syllables (one tag layer per entity type, so nesting is kept).

`to_bio` gives the syllables of a document and, for each entity type, an IOB2 tag sequence that
seqeval reads; `from_bio` turns the layers back into character spans. `write_conll` writes one
syllable a line: syllable, start, end and a column per type.
"""
from __future__ import annotations

from typing import Optional

from ..document import Document, Entity
from ...schema import ENTITY_TYPES
from ...text.syllables import Syllable, split_syllables


def to_bio(doc: Document, syllables: Optional[list[Syllable]] = None) -> tuple[list[Syllable], dict[str, list[str]]]:
    syllables = split_syllables(doc.text) if syllables is None else syllables
    index_of_start = {s.start: i for i, s in enumerate(syllables)}
    index_of_end = {s.end: i for i, s in enumerate(syllables)}
    layers = {t: ["O"] * len(syllables) for t in ENTITY_TYPES}
    for e in doc.entities:
        i, j = index_of_start.get(e.start), index_of_end.get(e.end)
        if i is None or j is None:
            raise ValueError(f"{doc.id}: {e.id}: span [{e.start}, {e.end}) does not fall on syllable boundaries")
        layer = layers[e.type]
        if any(tag != "O" for tag in layer[i:j + 1]):
            raise ValueError(f"{doc.id}: {e.id}: overlaps another {e.type}")
        layer[i] = f"B-{e.type}"
        for k in range(i + 1, j + 1):
            layer[k] = f"I-{e.type}"
    return syllables, layers


def decode_spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """(type, first, last) syllable index spans of an IOB2 sequence; a stray I- starts a span."""
    spans, cur = [], None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, label = tag.partition("-")
        if cur and (prefix != "I" or label != cur[0]):
            spans.append((cur[0], cur[1], i - 1))
            cur = None
        if prefix == "B" or (prefix == "I" and cur is None):
            cur = (label, i)
    return spans


def from_bio(text: str, syllables: list[Syllable], layers: dict[str, list[str]]) -> list[Entity]:
    """Entities (ids T1.. in text order) from per-type tag layers over `syllables` of `text`."""
    spans = []
    for layer in layers.values():
        for label, i, j in decode_spans(layer):
            start, end = syllables[i].start, syllables[j].end
            spans.append((start, -end, label, end))
    spans.sort()
    return [Entity(f"T{n}", label, start, end, text[start:end]) for n, (start, _, label, end) in enumerate(spans, 1)]


def write_conll(doc: Document) -> str:
    syllables, layers = to_bio(doc)
    lines = [f"# id = {doc.id}", "# columns = syllable start end " + " ".join(ENTITY_TYPES)]
    for i, s in enumerate(syllables):
        lines.append("\t".join([s.text, str(s.start), str(s.end)] + [layers[t][i] for t in ENTITY_TYPES]))
    return "\n".join(lines) + "\n"
