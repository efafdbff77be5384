"""The one text normaliser: every rule by which the package rewrites Vietnamese text for matching or for
the encoder lives here, named. None of them is ever applied to the text that offsets point into: entity,
trigger and syllable offsets are always into the text as given.

The rules, and who uses which:

* `nfc`: Unicode NFC (composed characters), so that NFD input ("e" + combining marks) matches lexicons
  and is given to the segmenter and encoder as the composed form. Words, triggers, the lexicon baseline.
* `lower_key`: NFC, then lowercase. Case-insensitive lookups where both tone-mark placements are listed or
  cannot occur: the trigger lexicon, administrative words and plural markers, holder modifiers (decoding).
* `match_key`: `lower_key`, then the tone mark of an open oa/oe/uy syllable read in the new style
  (`fold_tone_style`: "uỷ" -> "ủy", "hoà" -> "hòa"), so that both spellings of one word match one entry:
  the gazetteer's lists, the member titles of decoding ("Tỉnh uỷ viên").
* `collapse_spaces`: runs of whitespace as one space (registries carry "Phường  Thành Nhất").
* `respell` (with `SPELLINGS`): how a word is spelled for the encoder, as written or with the tone mark on
  the final vowel (PhoBERT's vocabulary); `tone_on_first_vowel` is the other direction. Per letter, by
  combining marks, so it moves marks on any oa/oe/uy syllable, not only those of a table.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def nfc(text: str) -> str:
    """`text` in Unicode NFC (composed): the form lexicons, the segmenter and the encoder are given."""
    return unicodedata.normalize("NFC", text)


def lower_key(text: str) -> str:
    """NFC, lowercase: the case-insensitive key of a syllable or phrase."""
    return unicodedata.normalize("NFC", text).lower()


#: old-style tone placement on an open oa/oe/uy syllable (lowercase, NFC) -> the new style
TONE_STYLE = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe", "oẻ": "ỏe",
              "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}


def fold_tone_style(text: str) -> str:
    """Lowercase NFC `text` with old-style tone placement (Uỷ, Hoà) read as the new style (Ủy, Hòa)."""
    for old, new in TONE_STYLE.items():
        if old in text:
            text = text.replace(old, new)
    return text


@lru_cache(maxsize=100_000)
def match_key(syllable: str) -> str:
    """Case- and tone-style-insensitive form of one syllable: `lower_key`, then `fold_tone_style`."""
    return fold_tone_style(lower_key(syllable))


def collapse_spaces(text: str) -> str:
    """Every run of whitespace as one space, none at the ends."""
    return " ".join(text.split())


# -- spelling for the encoder ------------------------------------------------------------------------
# How a word is spelled for the encoder (never for offsets): Vietnamese has two placements of the tone
# mark in an open syllable ending in `oa`, `oe` or `uy` -- on the first vowel ("hòa", "khỏe", "thủy",
# "Ủy ban") or on the final one ("hoà", "khoẻ", "thuỷ", "Uỷ ban") -- and both are common in the press.
#
# PhoBERT's vocabulary was built from text written the second way: "Tỉnh_uỷ", "hoà", "Thanh_Hoá" are
# whole entries, while "Tỉnh_ủy" splits into three pieces and "Thanh_Hóa" into four (docs/phobert.md
# measures this on our texts). Moving the mark changes no character count (NFC), so a word's pieces still
# line up with its syllables; entity offsets are taken from the text as given and are never touched.

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
