"""Spans -> repaired spans: the repairs SPEC.md's boundary rules state, those `ExtractorSettings.repairs` names,
run in the order of `REPAIRS`: punctuation trimmed from span edges (`trim_punctuation`: a name holds no
punctuation at its edges), an administrative word joined to the LOCALITY it precedes, kept out after a
numeral, and a bare one dropped (`attach_admin_words`, SPEC.md "Decided cases"), and a BODY cut in two on
adjacent syllables joined (`join_split_spans`: "A BODY takes its longest name"). Each is tested on text
outside the seeds (tests/decoding/) and what each is worth is measured with the same models decoded without it
(`evaluate.py --cv` and `evaluate.py --model`, "Decoding repairs"). The CRF decoder (model/crf.py) made the
repairs of word segmentation (spans cut inside a word mended, grown to word edges, a sentence's capitalised first
word dropped) and the whole-member-title rule unnecessary: they were removed (`REMOVED_REPAIRS`)."""
from __future__ import annotations


import torch

from ..lexicons.registry import admin_words
from ..text.normalize import lower_key
from ..text.syllables import split_syllables
from .spans import Span, in_order


#: administrative words that belong to the LOCALITY they directly precede (SPEC.md "Decided cases")
#: (lowercase syllables: ("thị", "xã"), ("tp", "."); every level and abbreviation of lexicons/admin_words.tsv)
ADMIN_WORDS = frozenset(tuple(lower_key(s.text) for s in split_syllables(w)) for w in admin_words())


#: after these (numerals, plural markers) the admin word heads a plural phrase and belongs to no name
PLURAL_MARKERS = frozenset({"hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười", "các", "những", "mấy", "nhiều"})

#: after these "năm" is "year", not "five": "Cuối năm xã [Tân Lập]" is "at the end of the year, the commune
#: [Tân Lập]" (cuối/đầu/giữa năm, hằng/hàng/mỗi năm, suốt/quanh/nửa năm). Left out as ambiguous: "cả năm xã"
#: (all five communes), "trong năm xã" (in the year / among five communes).
YEAR_BEFORE = frozenset({"cuối", "đầu", "giữa", "hằng", "hàng", "mỗi", "suốt", "quanh", "nửa"})


def _counts(keys: list[str], i: int) -> bool:
    """keys[i] is a numeral or plural marker that heads a plural phrase ("hai xã", "năm xã", "3 xã"), not the
    noun "năm" (year) of a time phrase ("Cuối năm xã ...")."""
    if not (keys[i] in PLURAL_MARKERS or keys[i].isdigit()):
        return False
    return not (keys[i] == "năm" and i > 0 and keys[i - 1] in YEAR_BEFORE)


def attach_admin_words(spans: list[Span], syllables) -> list[Span]:
    """A LOCALITY predicted as [tỉnh] [Lào Cai] (or as [Lào Cai] right after "tỉnh") becomes [tỉnh Lào Cai];
    after a numeral or plural marker the admin word heads a plural phrase and leaves the name ("hai [xã
    Xuân Vân]" -> "hai xã [Xuân Vân]"); a bare admin word ("Tỉnh đã ...") names no place and no body."""
    keys = [lower_key(s.text) for s in syllables]
    out = []
    for c in spans:
        f = c.first
        if c.type == "LOCALITY" and f > 0 and _counts(keys, f - 1):
            n = next((n for n in (3, 2, 1) if tuple(keys[f:f + n]) in ADMIN_WORDS and f + n <= c.last), 0)
            f += n
        out.append(c.with_(first=f))
    out = in_order(out)
    changed = True
    while changed:
        changed = False
        for i, c in enumerate(out):
            if c.type != "LOCALITY":
                continue
            f = c.first
            for n in (1, 2, 3):
                plural = f - n - 1 >= 0 and _counts(keys, f - n - 1)
                if f - n >= 0 and tuple(keys[f - n:f]) in ADMIN_WORDS and not plural:
                    before = [o for o in out if o.type == "LOCALITY" and o.first == f - n and o.last == f - 1]
                    clash = [o for o in out if o.type == "LOCALITY" and o is not out[i] and o not in before
                             and o.last >= f - n and o.first < f]
                    if clash:
                        continue
                    out = in_order([o for o in out if o not in before and o is not out[i]] + [c.with_(first=f - n)])
                    changed = True
                    break
            if changed:
                break
    # a lone admin word predicted as a LOCALITY or a BODY names nothing (SPEC.md: a bare tỉnh/huyện/xã is no body)
    return [c for c in out if not (c.type in ("LOCALITY", "BODY") and tuple(keys[c.first:c.last + 1]) in ADMIN_WORDS)]


def join_split_spans(spans: list[Span], syllables, types: tuple[str, ...] = ("BODY",)) -> list[Span]:
    """[Ban] [Thường vụ Tỉnh ủy] -> [Ban Thường vụ Tỉnh ủy]: two spans of these types on adjacent syllables one
    space apart, no punctuation between, are one name cut in two (SPEC.md: a BODY takes its longest name)."""
    merged: list[Span] = []
    for c in in_order(spans):
        prev = next((m for m in reversed(merged) if m.type == c.type), None)
        if (c.type in types and prev is not None and prev.last + 1 == c.first
                and syllables[c.first].start - syllables[prev.last].end == 1
                and syllables[prev.last].text not in ",;:.()-–\"“”"):
            merged.remove(prev)
            merged.append(prev.with_(last=c.last, score=min(prev.score, c.score)))
        else:
            merged.append(c)
    return in_order(merged)


def trim_punctuation(spans: list[Span], syllables) -> list[Span]:
    """No name begins or ends with a punctuation mark ("[VOV.VN -]" -> "[VOV.VN]"; a closing bracket
    stays when the span opens it); a span of punctuation only names nothing."""
    def word_like(i: int) -> bool:
        return any(ch.isalnum() for ch in syllables[i].text)

    out = []
    for c in spans:
        first, last = c.first, c.last
        while first <= last and not word_like(first):
            first += 1
        while last >= first and not word_like(last):
            opened = any("(" in syllables[i].text for i in range(first, last))
            if syllables[last].text.endswith(")") and opened:
                break
            last -= 1
        if first <= last:
            out.append(c.with_(first=first, last=last))
    return in_order(set(out))


#: the repairs by the names `ExtractorSettings.repairs` uses, in the order they run whatever order the settings
#: list them in; each takes the spans of one sentence (its syllables, words and averaged tag probabilities)
REPAIRS = {
    "punctuation": lambda spans, sentence, probs: trim_punctuation(spans, sentence.syllables),
    "admin_words": lambda spans, sentence, probs: attach_admin_words(spans, sentence.syllables),
    "split_names": lambda spans, sentence, probs: join_split_spans(spans, sentence.syllables),
}

#: repairs of earlier versions, removed with the CRF decoder; a model folder that names them is decoded without them
REMOVED_REPAIRS = frozenset({"word_splits", "word_edges", "initial_words", "member_titles"})


def check_repairs(names, drop_removed: bool = False) -> tuple[str, ...]:
    """The names as a tuple, or ValueError naming those that are no repair (a model folder's settings, a config).
    With `drop_removed`, names of removed repairs (`REMOVED_REPAIRS`) are left out with a warning instead."""
    names = tuple(names)
    removed = [n for n in names if n in REMOVED_REPAIRS]
    if drop_removed and removed:
        import logging

        logging.getLogger(__name__).warning("repairs %s were removed in this version (the CRF decoder made them "
                                            "unnecessary): this model is decoded without them", ", ".join(removed))
        names = tuple(n for n in names if n not in REMOVED_REPAIRS)
    unknown = [n for n in names if n not in REPAIRS]
    if unknown:
        raise ValueError(f"unknown repair(s) {', '.join(map(repr, unknown))}; known: {', '.join(REPAIRS)}")
    return names


def apply_repairs(spans: list[Span], names, sentence, probs: torch.Tensor) -> list[Span]:
    """The spans after the named repairs, run in REPAIRS' order."""
    check_repairs(names)
    for name, repair in REPAIRS.items():
        if name in names:
            spans = repair(spans, sentence, probs)
    return spans
