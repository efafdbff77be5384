"""Word segmentation with underthesea's own CRF model, its features scored from per-token caches.

underthesea's `word_tokenize` spends most of its time building 43 feature strings per token in Rust,
handing them to Python and back, and looking each of them up again. This module reads the same
model file (CRFsuite format: the weights, the labels, the attribute names) and the same dictionary
once, scores each distinct token's own features once (its form, lower case, digit, title and
dictionary features at each of the five offsets it is seen from), the pairs and triples of tokens
from bounded caches, and runs Viterbi over the two labels. Sentences are tokenised by underthesea's
own `tokenize` (its regular expressions and normalisation), per syllable and cached: no pattern of
it matches across a space, so a line's tokens are the concatenation of its syllables' tokens.

The result is underthesea's, not an approximation of it: the weights are summed in another order
than underthesea's, so every Viterbi decision is checked to win by a margin far above the rounding
that the order can cause; a sentence with a closer call (or a token that is not plain Vietnamese
or Latin text, where the feature rules here were not checked against underthesea's) is handed to
underthesea's `word_tokenize` itself. tests/test_segmenter.py compares both on every text in the
repository. Where the model files are not as expected (another underthesea version), `load()`
returns None and words.py uses `word_tokenize` for everything.
"""
from __future__ import annotations

import logging
import re
import struct
from functools import lru_cache
from pathlib import Path
from typing import Optional

logger = logging.getLogger(__name__)

MODEL_NAME = "ws_crf_vlsp2013_20230727"
#: the feature templates of that model, in underthesea's order (checked against features.bin at load)
TEMPLATES = ("T[-2]", "T[-1]", "T[0]", "T[1]", "T[2]", "T[-2,-1]", "T[-1,0]", "T[0,1]", "T[1,2]", "T[-2,0]",
             "T[-1,1]", "T[0,2]", "T[-2].lower", "T[-1].lower", "T[0].lower", "T[1].lower", "T[2].lower",
             "T[-2,-1].lower", "T[-1,0].lower", "T[0,1].lower", "T[1,2].lower", "T[-1].isdigit", "T[0].isdigit",
             "T[1].isdigit", "T[-2].istitle", "T[-1].istitle", "T[0].istitle", "T[1].istitle", "T[2].istitle",
             "T[0,1].istitle", "T[0,2].istitle", "T[-2].is_in_dict", "T[-1].is_in_dict", "T[0].is_in_dict",
             "T[1].is_in_dict", "T[2].is_in_dict", "T[-2,-1].is_in_dict", "T[-1,0].is_in_dict",
             "T[0,1].is_in_dict", "T[1,2].is_in_dict", "T[-2,0].is_in_dict", "T[-1,1].is_in_dict",
             "T[0,2].is_in_dict")
OFFSETS = (-2, -1, 0, 1, 2)
PAIRS = ((-2, -1), (-1, 0), (0, 1), (1, 2))
TRIPLES = ((-2, 0), (-1, 1), (0, 2))
#: a Viterbi decision closer than this is left to underthesea (the summation order moves scores by ~1e-13)
MARGIN = 1e-6
#: tokens whose feature rules (lower case, title, digits) were checked against underthesea's featurizer
_CHECKED = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff.,;:!?'\"“”‘’()\[\]{}/\\%&*+=<>@#$^_|~`…–—-]+")


class CRFSegmenter:
    """underthesea's word segmentation model (`MODEL_NAME`) scored in Python."""

    def __init__(self, weights: dict[str, tuple[float, float]], transitions: tuple[tuple[float, float], ...],
                 labels: tuple[str, str], dictionary: frozenset[str], tokenize, fallback):
        self.weights = weights
        self.transitions = transitions
        self.begin = labels.index("B-W")
        self.dictionary = dictionary
        self._tokenize = tokenize
        self._fallback = fallback  # underthesea.word_tokenize
        # a position whose window runs off the sentence: every feature of that template reads BOS or EOS
        self._edges = self._edge_scores()
        self._tables = self._value_tables()
        self._zero = {"u": (0.0,) * 2 * len(OFFSETS), "p": (0.0,) * 2 * len(PAIRS), "t": (0.0,) * 2 * len(TRIPLES)}
        self.unigram = lru_cache(maxsize=100_000)(self._unigram)
        self.pair = lru_cache(maxsize=200_000)(self._pair)
        self.triple = lru_cache(maxsize=200_000)(self._triple)
        self.syllable_tokens = lru_cache(maxsize=200_000)(self._syllable_tokens)

    # -- features ----------------------------------------------------------------------------
    def _score(self, names: list[str]) -> tuple[float, float]:
        b = i = 0.0
        get = self.weights.get
        for name in names:
            wb, wi = get(name, (0.0, 0.0))
            b += wb
            i += wi
        return b, i

    def _value_tables(self) -> dict:
        """(kind, feature) -> {value: flat weights over that kind's slots}: the weights of "T[0,1].lower=x"
        and "T[1,2].lower=x" in one entry of ("p", ".lower") under "x", so that a token or n-gram costs one
        lookup per feature instead of one per template (and no feature strings are built)."""
        slots = {**{f"T[{k}]": ("u", n) for n, k in enumerate(OFFSETS)},
                 **{f"T[{p},{q}]": ("p", n) for n, (p, q) in enumerate(PAIRS)},
                 **{f"T[{p},{q}]": ("t", n) for n, (p, q) in enumerate(TRIPLES)}}
        width = {"u": len(OFFSETS), "p": len(PAIRS), "t": len(TRIPLES)}
        tables: dict[tuple[str, str], dict[str, list[float]]] = {}
        for name, (wb, wi) in self.weights.items():
            template, _, value = name.partition("=")
            head, dot, feature = template.partition("].")
            kind, slot = slots[head + "]" if dot else head]
            row = tables.setdefault((kind, dot and "." + feature), {}).setdefault(value, [0.0] * (2 * width[kind]))
            row[2 * slot] += wb
            row[2 * slot + 1] += wi
        return {key: {value: tuple(row) for value, row in table.items()} for key, table in tables.items()}

    def _sum(self, kind: str, features: list[tuple[str, str]]) -> tuple[float, ...]:
        zero = self._zero[kind]
        rows = [self._tables.get((kind, feature), {}).get(value, zero) for feature, value in features]
        return tuple(map(sum, zip(*rows)))

    def _unigram(self, token: str) -> tuple[float, ...]:
        """The summed weights of a token's own features as seen from each offset of OFFSETS, flat:
        (offset -2 B, offset -2 I, offset -1 B, ...)."""
        low = token.lower()
        return self._sum("u", [("", token), (".lower", low), (".istitle", str(_title(token))),
                               (".is_in_dict", str(low in self.dictionary)), (".isdigit", str(_is_int64(token)))])

    def _pair(self, a: str, b: str) -> tuple[float, ...]:
        """The summed weights of the features of tokens `a b` for each template of PAIRS, flat."""
        text = f"{a} {b}"
        low = text.lower()
        return self._sum("p", [("", text), (".lower", low), (".is_in_dict", str(low in self.dictionary)),
                               (".istitle", str(_title(a) and _title(b)))])

    def _triple(self, a: str, b: str, c: str) -> tuple[float, ...]:
        text = f"{a} {b} {c}"
        return self._sum("t", [("", text), (".is_in_dict", str(text.lower() in self.dictionary)),
                               (".istitle", str(_title(a) and _title(b) and _title(c)))])

    def _edge_scores(self) -> dict:
        """(kind, mark) -> per template group of that kind (unigram, pair, triple), the summed weights
        of its features where the window runs off the sentence (they all read BOS or EOS)."""
        def score(mark: str, templates: list[str]) -> tuple[float, float]:
            return self._score([f"{t}={mark}" for t in templates])

        out = {}
        for mark in ("BOS", "EOS"):
            out["u", mark] = sum((score(mark, [f"T[{k}]{s}" for s in ("", ".lower", ".istitle", ".is_in_dict")]
                                         + ([f"T[{k}].isdigit"] if -1 <= k <= 1 else [])) for k in OFFSETS), ())
            out["p", mark] = sum((score(mark, [f"T[{p},{q}]{s}" for s in ("", ".lower", ".is_in_dict")]
                                         + (["T[0,1].istitle"] if (p, q) == (0, 1) else [])) for p, q in PAIRS), ())
            out["t", mark] = sum((score(mark, [f"T[{p},{q}]{s}" for s in ("", ".is_in_dict")]
                                         + (["T[0,2].istitle"] if (p, q) == (0, 2) else [])) for p, q in TRIPLES), ())
        return out

    def emissions(self, tokens: list[str]) -> list[tuple[float, float]]:
        """Per token, the summed state weights of its 43 features for each label. Row j + 2 of each
        table holds the n-grams starting at token j (j = -2 .. n + 1), or the sentence edge's scores."""
        n = len(tokens)
        edge = self._edges
        u = [edge["u", "BOS"]] * 2 + [self.unigram(x) for x in tokens] + [edge["u", "EOS"]] * 2
        p = ([edge["p", "BOS"]] * 2 + [self.pair(tokens[j], tokens[j + 1]) for j in range(n - 1)]
             + [edge["p", "EOS"]] * 3)
        t3 = ([edge["t", "BOS"]] * 2 + [self.triple(tokens[j], tokens[j + 1], tokens[j + 2]) for j in range(n - 2)]
              + [edge["t", "EOS"]] * min(n + 2, 4))
        out = []
        for t in range(n):  # template group `slot` of position t reads the n-gram starting at t + offset
            u0, u1, u2, u3, u4 = u[t], u[t + 1], u[t + 2], u[t + 3], u[t + 4]
            p0, p1, p2, p3 = p[t], p[t + 1], p[t + 2], p[t + 3]
            r0, r1, r2 = t3[t], t3[t + 1], t3[t + 2]
            out.append((u0[0] + u1[2] + u2[4] + u3[6] + u4[8] + p0[0] + p1[2] + p2[4] + p3[6] + r0[0] + r1[2] + r2[4],
                        u0[1] + u1[3] + u2[5] + u3[7] + u4[9] + p0[1] + p1[3] + p2[5] + p3[7] + r0[1] + r1[3] + r2[5]))
        return out

    def viterbi(self, emissions: list[list[float]]) -> Optional[list[int]]:
        """Best label ids (underthesea's tie rule: the lower label id wins), or None where some
        decision is closer than MARGIN."""
        trans = self.transitions
        score = list(emissions[0])
        back = []
        for e in emissions[1:]:
            step, new = [], []
            for y in (0, 1):
                s0, s1 = score[0] + trans[0][y], score[1] + trans[1][y]
                if abs(s0 - s1) < MARGIN:
                    return None
                prev = 0 if s0 > s1 else 1
                step.append(prev)
                new.append(max(s0, s1) + e[y])
            back.append(step)
            score = new
        if abs(score[0] - score[1]) < MARGIN:
            return None
        labels = [0 if score[0] > score[1] else 1]
        for step in reversed(back):
            labels.append(step[labels[-1]])
        return labels[::-1]

    # -- words -------------------------------------------------------------------------------
    def _syllable_tokens(self, syllable: str) -> tuple[str, ...]:
        return tuple(self._tokenize(syllable))

    def words(self, line: str) -> list[str]:
        """underthesea `word_tokenize(line)` for a line of syllables joined by single spaces."""
        tokens = [tok for syllable in line.split(" ") for tok in self.syllable_tokens(syllable)]
        if not tokens:
            return []
        labels = self.viterbi(self.emissions(tokens)) if all(_CHECKED.fullmatch(t) for t in tokens) else None
        if labels is None:
            return self._fallback(line)
        out: list[str] = []
        for k, (label, token) in enumerate(zip(labels, tokens)):
            if label != self.begin and k > 0:
                out[-1] = out[-1] + " " + token
            else:
                out.append(token)
        return out


def _title(token: str) -> bool:
    return token[:1].upper() == token[:1]


def _is_int64(token: str) -> bool:
    """underthesea's `isdigit` feature: the token reads as a signed 64-bit integer."""
    return re.fullmatch(r"[+-]?[0-9]+", token) is not None and -(1 << 63) <= int(token) < (1 << 63)


def read_crfsuite(path: Path) -> tuple[tuple[str, ...], list[str], list[tuple[int, int, int, float]]]:
    """(labels, attributes, features (type, source, destination, weight)) of a CRFsuite model file:
    a 48-byte header, a FEAT chunk of 20-byte features, then the label and attribute string tables
    (CQDB, read through their id -> entry links)."""
    data = path.read_bytes()
    if data[:4] != b"lCRF" or data[8:12] != b"FOMC":
        raise ValueError(f"{path}: not a CRFsuite model")
    num_labels, num_attrs, off_features, off_labels, off_attrs = struct.unpack_from("<5I", data, 20)
    if data[off_features:off_features + 4] != b"FEAT":
        raise ValueError(f"{path}: no FEAT chunk")
    count = struct.unpack_from("<I", data, off_features + 8)[0]
    features = [struct.unpack_from("<IIId", data, off_features + 12 + 20 * k) for k in range(count)]
    return _cqdb_strings(data, off_labels, num_labels), _cqdb_strings(data, off_attrs, num_attrs), features


def _cqdb_strings(data: bytes, offset: int, n: int) -> list[str]:
    if data[offset:offset + 4] != b"CQDB":
        raise ValueError("no CQDB string table")
    bwd_size, bwd_offset = struct.unpack_from("<II", data, offset + 16)
    if bwd_size < n:
        raise ValueError("CQDB string table shorter than its count")
    out = []
    for k in range(n):
        entry = offset + struct.unpack_from("<I", data, offset + bwd_offset + 4 * k)[0]
        ident, size = struct.unpack_from("<II", data, entry)
        if ident != k:
            raise ValueError("CQDB entry out of order")
        out.append(data[entry + 8:entry + 8 + size - 1].decode("utf-8"))
    return out


@lru_cache(maxsize=1)
def load() -> Optional[CRFSegmenter]:
    """The segmenter over underthesea's installed model, or None where its files are not the expected ones."""
    try:
        import joblib
        import underthesea.pipeline.word_tokenize as wt
        from underthesea import word_tokenize
        from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

        folder = Path(wt.__file__).parent / "models" / MODEL_NAME
        if tuple(joblib.load(folder / "features.bin")) != TEMPLATES:
            raise ValueError("feature templates differ")
        dictionary = frozenset(joblib.load(folder / "dictionary.bin"))
        labels, attributes, features = read_crfsuite(folder / "models.bin")
        if sorted(labels) != ["B-W", "I-W"]:
            raise ValueError(f"labels {labels}")
        weights: dict[str, list[float]] = {}
        transitions = [[0.0, 0.0], [0.0, 0.0]]
        for kind, src, dst, weight in features:
            if kind == 0:
                weights.setdefault(attributes[src], [0.0, 0.0])[dst] += weight
            elif kind == 1:
                transitions[src][dst] += weight
    except Exception as exc:  # another underthesea version: its own word_tokenize is used instead
        logger.warning("underthesea's word segmentation model is not the expected %s (%s): using word_tokenize",
                       MODEL_NAME, exc)
        return None
    return CRFSegmenter({k: (v[0], v[1]) for k, v in weights.items()}, tuple(map(tuple, transitions)),
                        tuple(labels), dictionary, tokenize, word_tokenize)
