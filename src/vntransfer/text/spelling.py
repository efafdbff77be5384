"""How a word is spelled for the encoder (never for offsets): Vietnamese has two placements of the tone
mark in an open syllable ending in `oa`, `oe` or `uy` -- on the first vowel ("hòa", "khỏe", "thủy",
"Ủy ban") or on the final one ("hoà", "khoẻ", "thuỷ", "Uỷ ban") -- and both are common in the press.

PhoBERT's vocabulary was built from text written the second way: "Tỉnh_uỷ", "hoà", "Thanh_Hoá" are
whole entries, while "Tỉnh_ủy" splits into three pieces and "Thanh_Hóa" into four (docs/phobert.md
measures this on our texts). Moving the mark changes no character count (NFC), so a word's pieces still
line up with its syllables; entity offsets are taken from the text as given and are never touched.
"""
from __future__ import annotations

import re
import unicodedata

#: spellings the encoder may be given: the text as written (NFC), or the tone mark of open
#: oa/oe/uy syllables moved onto the final vowel (PhoBERT's vocabulary)
SPELLINGS = ("as_written", "tone_on_final_vowel")

# grave, acute, tilde, hook above, dot below (the five tone marks, as combining characters)
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_PAIRS = frozenset({("o", "a"), ("o", "e"), ("u", "y")})
_LETTERS = re.compile(r"[^\W\d_]+")


def _letters(syllable: str) -> list[list]:
    """[base letter, its combining marks] for each letter of `syllable` (decomposed)."""
    letters: list[list] = []
    for c in unicodedata.normalize("NFD", syllable):
        if unicodedata.combining(c) and letters:
            letters[-1][1].append(c)
        else:
            letters.append([c, []])
    return letters


def _joined(letters: list[list]) -> str:
    return unicodedata.normalize("NFC", "".join(base + "".join(marks) for base, marks in letters))


def _move_tone(syllable: str, to_final: bool) -> str:
    """Move the tone of an open oa/oe/uy syllable onto its final vowel (or, `to_final` False, its first)."""
    letters = _letters(syllable)
    if len(letters) < 2:
        return syllable
    (a, a_marks), (b, b_marks) = letters[-2], letters[-1]
    if (a.lower(), b.lower()) not in _PAIRS:
        return syllable
    source, target = (a_marks, b_marks) if to_final else (b_marks, a_marks)
    if target or len(source) != 1 or source[0] not in _TONES:
        return syllable  # no tone where it would move from, or other marks in the way (ô, ơ, ư)
    if not to_final and a.lower() == "u" and len(letters) > 2 and letters[-3][0].lower() == "q":
        return syllable  # "quý": the u belongs to qu; the y carries the tone in both placements
    letters[-2][1], letters[-1][1] = (target, source) if to_final else (source, target)
    return _joined(letters)


def respell(word: str, spelling: str) -> str:
    """`word` (NFC, syllables possibly joined with `_`) as the encoder should see it; same length."""
    if spelling == "as_written":
        return word
    if spelling == "tone_on_final_vowel":
        return _LETTERS.sub(lambda m: _move_tone(m.group(), to_final=True), word)
    raise ValueError(f"unknown spelling {spelling!r}; one of {', '.join(SPELLINGS)}")


def tone_on_first_vowel(word: str) -> str:
    """The other placement ("hoà" -> "hòa"): the spelling study measures both directions."""
    return _LETTERS.sub(lambda m: _move_tone(m.group(), to_final=False), word)
