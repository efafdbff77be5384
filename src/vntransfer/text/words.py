"""Text -> sentences -> syllables -> segmented words, keeping offsets into the text as given.

Word segmentation is underthesea's `word_tokenize` (PhoBERT expects words joined with `_`), computed
by segmenter.py from the same model with the same output, several times faster. Its output may be
normalised (it rewrites `Uỷ` as `Ủy`), so it is never used for offsets: only the number
of syllables in each of its words is read, and the words are rebuilt from our own syllables. Where the
counts disagree the sentence falls back to one word per syllable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .normalize import nfc
from .syllables import Syllable, split_syllables

#: a sentence longer than this many syllables is cut into pieces before segmentation and encoding
MAX_SENTENCE_SYLLABLES = 200

# sentence end: . ! ? … (and closing quotes/brackets) followed by space and a capital, digit or quote
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[^\W\d_a-zđ]|\s+\d|\s*$)|;(?=\s*\n)")


@dataclass(frozen=True)
class Word:
    """A segmented word: syllables `[first, last]` (indices into the sentence's syllables)."""

    first: int
    last: int


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    syllables: tuple[Syllable, ...]
    words: tuple[Word, ...]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of sentences: lines are split at sentence-final punctuation; blank text
    between them is dropped. Headlines and captions are lines of their own."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in _SENTENCE_END.finditer(text, line.start(), line.end()):
            if _is_abbreviation(text, m.start(), m.group()) or _is_list_number(text, line.start(), m.start(), m.group()):
                continue
            spans.append((start, m.end()))
            start = m.end()
        spans.append((start, line.end()))
    out = []
    for s, e in spans:
        piece = text[s:e]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            out.append((s + lead, s + lead + len(stripped)))
    return out


def _is_list_number(text: str, line_start: int, at: int, mark: str) -> bool:
    """'1.' opening a line numbers a list item ("1. Ông Nguyễn Văn A: 469/487 phiếu"); it ends nothing."""
    return mark == "." and re.fullmatch(r"\s*\d{1,3}", text[line_start:at]) is not None


def _is_abbreviation(text: str, at: int, mark: str) -> bool:
    """A single '.' after an initial or a short capitalised abbreviation (H., TP., Th., PGS.) ends nothing."""
    if mark != ".":
        return False
    m = re.search(r"(?:^|[\s(])([^\W\d_]{1,4})$", text[max(0, at - 6):at])
    if not m or not m.group(1)[0].isupper():
        return False
    token = m.group(1)
    return len(token) <= 2 or token.isupper()


def segmenter_info() -> dict:
    import importlib.metadata as md

    return {"name": "underthesea.word_tokenize", "version": md.version("underthesea")}


@lru_cache(maxsize=1)
def _word_tokenize():
    """line -> underthesea words: segmenter.py's scorer of underthesea's model (the same output as
    `word_tokenize`), or `word_tokenize` itself where that model is not the one segmenter.py expects."""
    from . import segmenter

    fast = segmenter.load()
    if fast is not None:
        return fast.words
    from underthesea import word_tokenize

    return word_tokenize


@lru_cache(maxsize=100_000)
def _word_sizes(line: str) -> tuple[int, ...]:
    """Syllables per underthesea word of a space-joined line (cached: training folds re-read the
    same sentences); empty when the segmenter fails, which must not lose the text."""
    try:
        segmented = _word_tokenize()(line)
    except Exception:
        return ()
    # a word is its tokens joined by single spaces, and no syllable runs across a space
    return tuple(sum(_syllable_count(token) for token in w.split(" ")) for w in segmented)


@lru_cache(maxsize=100_000)
def _syllable_count(token: str) -> int:
    return len(split_syllables(token))


def group_words(syllables: list[Syllable]) -> list[Word]:
    """Group syllables into underthesea words; one word per syllable where segmentation disagrees."""
    if not syllables:
        return []
    line = " ".join(nfc(s.text) for s in syllables)
    sizes = _word_sizes(line)
    if sum(sizes) != len(syllables) or any(n == 0 for n in sizes):
        return [Word(i, i) for i in range(len(syllables))]
    words, i = [], 0
    for n in sizes:
        words.append(Word(i, i + n - 1))
        i += n
    return words


def segment_words(text: str, segment: bool = True) -> list[Sentence]:
    """Sentences of `text` with syllables and words; long sentences are cut into pieces of at most
    MAX_SENTENCE_SYLLABLES syllables (the encoder windows them further if needed)."""
    sentences = []
    for start, end in split_sentences(text):
        syllables = split_syllables(text, start, end)
        for k in range(0, len(syllables), MAX_SENTENCE_SYLLABLES):
            piece = syllables[k:k + MAX_SENTENCE_SYLLABLES]
            words = group_words(piece) if segment else [Word(i, i) for i in range(len(piece))]
            sentences.append(Sentence(piece[0].start, piece[-1].end, tuple(piece), tuple(words)))
    return sentences


def form_syllables(sentence: Sentence, word: Word) -> list[str]:
    """The syllables of a word as the encoder sees them (NFC)."""
    return [nfc(s.text) for s in sentence.syllables[word.first:word.last + 1]]


def word_string(sentence: Sentence, word: Word) -> str:
    """The PhoBERT form of a word: its syllables (NFC) joined with `_`."""
    return "_".join(form_syllables(sentence, word))
