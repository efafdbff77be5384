"""Words -> encoder inputs: word-by-word sub-word encoding (no fast tokenizer needed), windows with
overlap, and the map from each syllable to the sub-token that represents it.

Each word is encoded on its own (`tokenizer.tokenize(word)`), as SpERT does, so slow tokenizers such
as PhoBERT's work. A syllable is represented by the sub-token holding its first character plus an
embedding of its kind (`syllable_kind`: its place in the word and its letter case), so an entity
boundary inside a segmented word (`Phó Trưởng | phòng ...` inside `Trưởng_phòng`) stays predictable
and capitalisation, which names carry in Vietnamese, is seen even where the sub-words are unknown.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..lexicons.gazetteer import features as gazetteer_features
from ..text.normalize import SPELLINGS, respell
from ..text.words import Sentence, form_syllables, word_string

#: places in a word told apart: (index in word capped at 3) x (is last syllable)
N_SYLLABLE_SLOTS = 8
#: letter shapes told apart: lower, Capitalised, ALL CAPS, has digit, punctuation, other
N_SYLLABLE_SHAPES = 6
N_SYLLABLE_KINDS = N_SYLLABLE_SLOTS * N_SYLLABLE_SHAPES


@lru_cache(maxsize=100_000)
def syllable_shape(text: str) -> int:
    if any(c.isdigit() for c in text):
        return 3
    if not any(c.isalpha() for c in text):
        return 4
    if text[0].isupper():
        return 2 if len(text) > 1 and text.isupper() else 1
    return 0 if text.islower() else 5


@dataclass(frozen=True)
class Window:
    """One encoder input: sub-token ids and, for syllables `[first, last]` of `sentence`, the
    position of their representing sub-token and their kind (place in the word, letter shape)."""

    sentence: int
    first: int
    last: int
    input_ids: tuple[int, ...]
    syllable_token: tuple[int, ...]
    syllable_kind: tuple[int, ...]
    syllable_gazetteer: tuple[int, ...] = ()


def _piece_length(piece: str) -> int:
    for mark in ("@@",):
        if piece.endswith(mark):
            piece = piece[: -len(mark)]
    for mark in ("Ġ", "▁", "##"):
        if piece.startswith(mark):
            piece = piece[len(mark):]
    return len(piece)


class WordEncoder:
    """Encodes words with a Hugging Face tokenizer, caching each word's pieces. `spelling` (text/normalize.py)
    is how a word is written for the tokenizer; it keeps every character in place, so the syllables'
    sub-tokens and the offsets into the text are the same under any spelling."""

    def __init__(self, tokenizer, max_length: int = 256, stride: int = 32, spelling: str = "as_written"):
        if spelling not in SPELLINGS:
            raise ValueError(f"unknown spelling {spelling!r}; one of {', '.join(SPELLINGS)}")
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.stride = stride
        self.spelling = spelling
        self._cache: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def encode_word(self, word: str, syllable_starts: list[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(sub-token ids, index of the sub-token holding each syllable's first character)."""
        key = word
        if key in self._cache:
            return self._cache[key]
        pieces = self.tokenizer.tokenize(word) or [self.tokenizer.unk_token]
        ids = tuple(self.tokenizer.convert_tokens_to_ids(pieces))
        lengths = [_piece_length(p) for p in pieces]
        owners = []
        if sum(lengths) == len(word):
            ends, total = [], 0
            for n in lengths:
                total += n
                ends.append(total)
            for c in syllable_starts:
                owners.append(next(i for i, e in enumerate(ends) if c < e))
        else:  # unknown characters changed the pieces' lengths: spread syllables proportionally
            owners = [min(len(ids) - 1, c * len(ids) // max(1, len(word))) for c in syllable_starts]
        self._cache[key] = (ids, tuple(owners))
        return self._cache[key]

    def windows(self, sentence: Sentence, index: int) -> list[Window]:
        """Windows over the sentence: at most `max_length` positions with special tokens, consecutive
        windows overlapping by about `stride` sub-tokens of whole words."""
        gazetteer = gazetteer_features([s.text for s in sentence.syllables])
        words = []
        for w in sentence.words:
            form = word_string(sentence, w)
            starts, pos = [], 0
            for syllable in form_syllables(sentence, w):
                starts.append(pos)
                pos += len(syllable) + 1  # the joining "_"
            ids, owners = self.encode_word(respell(form, self.spelling), starts)
            n = w.last - w.first + 1
            forms = form_syllables(sentence, w)
            slots = [(min(k, 3) * 2 + (1 if k == n - 1 else 0)) * N_SYLLABLE_SHAPES + syllable_shape(forms[k])
                     for k in range(n)]
            words.append((w, ids, owners, slots))
        budget = self.max_length - 2
        out, i = [], 0
        while i < len(words):
            j, size = i, 0
            while j < len(words) and size + len(words[j][1]) <= budget:
                size += len(words[j][1])
                j += 1
            if j == i:  # one word longer than the budget: truncate its pieces
                j = i + 1
            out.append(self._window(words[i:j], index, gazetteer))
            if j >= len(words):
                break
            # next window starts so that about `stride` sub-tokens overlap
            back, k = 0, j
            while k - 1 > i and back + len(words[k - 1][1]) <= self.stride:
                k -= 1
                back += len(words[k][1])
            i = k
        return out

    def _window(self, words, index: int, gazetteer: list[int]) -> Window:
        tok = self.tokenizer
        ids, syl_token, syl_kind = [tok.cls_token_id], [], []
        budget = self.max_length - 1
        for w, word_ids, owners, slots in words:
            offset = len(ids)
            ids.extend(word_ids)
            for owner, slot in zip(owners, slots):
                syl_token.append(min(offset + owner, budget - 1))
                syl_kind.append(slot)
        ids = ids[:budget] + [tok.sep_token_id]
        first, last = words[0][0].first, words[-1][0].last
        return Window(index, first, last, tuple(ids), tuple(syl_token), tuple(syl_kind),
                      tuple(gazetteer[first:last + 1]))
