"""Syllables: the smallest units of Vietnamese text that an entity boundary may fall between.

A syllable is a run of letters and digits (with any combining marks, so NFD text stays whole) or a
single punctuation or symbol character. Offsets are into the text as given.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# letters/digits plus combining marks (NFD tone marks), or any one other non-space character
_SYLLABLE = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+|[^\s]", re.UNICODE)


@dataclass(frozen=True)
class Syllable:
    text: str
    start: int
    end: int


def split_syllables(text: str, start: int = 0, end: int | None = None) -> list[Syllable]:
    """Syllables of `text[start:end]`, with offsets into `text`."""
    end = len(text) if end is None else end
    out = []
    for m in _SYLLABLE.finditer(text, start, end):
        # a lone combining mark or format char (ZWJ...) joins the previous syllable when adjacent
        if out and m.start() == out[-1].end and _is_mark(m.group()):
            prev = out.pop()
            out.append(Syllable(text[prev.start:m.end()], prev.start, m.end()))
            continue
        out.append(Syllable(m.group(), m.start(), m.end()))
    return out


def _is_mark(s: str) -> bool:
    return all(unicodedata.category(c) in ("Mn", "Mc", "Me", "Cf") for c in s)


def syllable_boundaries(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """(starts, ends) of all syllables: the offsets where an entity may begin and end."""
    syl = split_syllables(text)
    return frozenset(s.start for s in syl), frozenset(s.end for s in syl)
