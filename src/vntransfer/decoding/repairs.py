"""Spans -> repaired spans: the repairs that follow from SPEC.md's boundary rules and from word segmentation, those
`ExtractorSettings.repairs` names, run in the order of `REPAIRS`: punctuation trimmed from span edges (`trim_punctuation`), spans cut inside one segmented
word mended (`mend_word_splits`), edges inside a word grown to the word's edge (`snap_to_words`), the
capitalised head of a sentence's first word dropped (`drop_initial_pieces`), "Tỉnh" + [ủy viên] made
one title (`whole_member_titles`), an administrative word joined to the LOCALITY it precedes
(`attach_admin_words`) and a name cut in two on adjacent syllables joined (`join_split_spans`). What
each is worth is measured on the seed cross-validation with the same fold models (`evaluate.py --cv`, "Decoding repairs" in the report)."""
from __future__ import annotations

from typing import Optional

import torch

from ..lexicons.registry import admin_words
from ..text.normalize import lower_key, match_key
from ..text.syllables import split_syllables
from .spans import Span, compatible, in_order, nestable


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


#: "<unit> ủy viên" is one title (SPEC.md "Decided cases": [Tỉnh ủy viên], [Thành ủy viên])
MEMBER_UNITS = frozenset({"tỉnh", "thành", "huyện", "quận", "thị", "đảng"})


def whole_member_titles(spans: list[Span], syllables) -> list[Span]:
    """A POSITION [ủy viên] right after "Tỉnh"/"Thành"/"Huyện"... takes it in: the segmenter writes
    "Tỉnh ủy_viên" and the model follows the word; a one-syllable span on the unit word is replaced."""
    keys = [match_key(s.text) for s in syllables]  # "uỷ viên" read as "ủy viên"
    out = list(spans)
    for c in spans:
        first = c.first
        if c.type != "POSITION" or first == 0 or keys[first:first + 2] != ["ủy", "viên"] or keys[first - 1] not in MEMBER_UNITS:
            continue
        covering = [o for o in out if o.first <= first - 1 <= o.last]
        if any(o.first != first - 1 or o.last != first - 1 for o in covering):
            continue  # the unit word belongs to a longer span ("Ban Thường vụ Tỉnh ủy viên ..."): leave it
        out = [o for o in out if o is not c and o not in covering] + [c.with_(first=first - 1)]
    return in_order(out)


def join_split_spans(spans: list[Span], syllables, types: tuple[str, ...] = ("BODY", "PERSON", "POSITION")) -> list[Span]:
    """[Ban] [Thường vụ Tỉnh ủy] -> [Ban Thường vụ Tỉnh ủy], [Nguyễn] [Phú Trọng] -> [Nguyễn Phú Trọng]:
    two spans of these types on adjacent syllables one space apart are one name cut in two (a body
    takes its longest name, SPEC.md; two names are never juxtaposed without punctuation)."""
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


def word_index(words, n_syllables: int) -> list[int]:
    """syllable -> index of the segmented word that holds it."""
    index = [0] * n_syllables
    for k, w in enumerate(words):
        for i in range(w.first, w.last + 1):
            index[i] = k
    return index


#: a title and its body may meet inside a segmented word ("Phó Trưởng | phòng" in "Trưởng_phòng", SPEC.md)
TITLE_THEN_BODY = frozenset({("POSITION", "BODY")})


def mend_word_splits(spans: list[Span], probs: torch.Tensor, words) -> list[Span]:
    """Two spans that meet inside one segmented word are one mention cut in two by per-syllable tags:
    same type -> joined ([Lai] [Châu] in "ủy_Lai_Châu" -> [Lai Châu]); different types that may not
    nest -> one span over both with the type the model gives more probability over them (BODY [Tổng] +
    POSITION [Bí thư] in "Tổng_Bí_thư" -> POSITION [Tổng Bí thư]), except a title followed by its body
    ("Phó Trưởng | phòng ..." in "Trưởng_phòng", SPEC.md's shared head noun). Boundaries between words are left
    to the model, so a segmentation error that glues two names ("ủy_Lai_Châu") costs nothing here. A
    span with both edges inside one word is dropped. `probs`: (syllables, types, tags) of the sentence."""
    if not spans:
        return spans
    word_of = word_index(words, probs.shape[0])
    out = in_order(spans)
    changed = True
    while changed:
        changed = False
        for a in out:
            b = next((c for c in out if c.first == a.last + 1 and word_of[c.first] == word_of[a.last]
                      and not nestable(a, c) and (a.type, c.type) not in TITLE_THEN_BODY), None)
            if b is None:
                continue
            first, last = a.first, b.last
            if a.type == b.type:
                t = a.type
            else:  # mass of "inside an entity" (B or I) of each type over the joined syllables
                inside = 1.0 - probs[first:last + 1, :, 0]
                ta, tb = a.type_index, b.type_index
                t = a.type if float(inside[:, ta].sum()) >= float(inside[:, tb].sum()) else b.type
            joined = Span(first, last, t, min(a.score, b.score))
            rest = [c for c in out if c is not a and c is not b]
            if all(compatible(joined, c) for c in rest):
                out = in_order(rest + [joined])
                changed = True
                break
    # a span with both edges inside one word is a piece of a longer word ("Phú" of "Nguyễn_Phú_Trọng")
    return [c for c in out if not (word_of[c.first] == word_of[c.last] and words[word_of[c.first]].first < c.first
                                   and c.last < words[word_of[c.last]].last)]


#: words that say when the holder held the post, not what the post is: "tân" (new), "nguyên", "cựu" (former).
#: No gold POSITION holds them, but the segmenter glues them to the title ("Tân_Bí_thư", "Nguyên_Phó Thủ_tướng")
HOLDER_MODIFIERS = frozenset({"tân", "nguyên", "cựu"})


def snap_to_words(spans: list[Span], words, n_syllables: int, syllables=None) -> list[Span]:
    """A span with one edge inside a segmented word grows to the word's edge over syllables no other
    span holds ([vụ Tỉnh ủy] in "Ban Thường_vụ Tỉnh_ủy" -> [Thường vụ Tỉnh ủy], which `join_split_spans`
    then joins to [Ban]); same-type spans it reaches are merged into it ([Nguyễn] .. [Trọng] in
    "Nguyễn_Phú_Trọng" -> [Nguyễn Phú Trọng]). Syllables held by a span of another type stop it, so
    "Phó Trưởng | phòng" (SPEC.md's shared head noun) and a place nested after a glued word stay as they are;
    with `syllables`, a capitalised name does not grow over lowercase syllables and a title does not grow
    over a modifier of its holder glued before it ("Tân_Bí_thư" tagged [Bí thư] stays [Bí thư])."""
    word_of = word_index(words, n_syllables)
    out: list[Optional[Span]] = in_order(spans)
    for k in range(len(out)):
        if out[k] is None:
            continue
        span = out[k]
        first, last, t, score = span.first, span.last, span.type, span.score
        others = [c for j, c in enumerate(out) if j != k and c is not None]

        def free(i: int, edge: int) -> bool:
            # held by no span of another type, and no lowercase word continuing a capitalised name
            # (the segmenter glues "Bắc_Hà_nhiệm_kỳ": the term stays out of [Đảng ủy phường Bắc Hà])
            if syllables is not None and syllables[edge].text[:1].isupper() and syllables[i].text[:1].islower():
                return False
            return all(not (c.first <= i <= c.last) or c.type == t for c in others)

        w_first, w_last = words[word_of[first]].first, words[word_of[last]].last
        while (t == "POSITION" and syllables is not None and w_first < first
               and lower_key(syllables[w_first].text) in HOLDER_MODIFIERS):
            w_first += 1
        if w_first < first and all(free(i, first) for i in range(w_first, first)):
            first = w_first
        if last < w_last and all(free(i, last) for i in range(last + 1, w_last + 1)):
            last = w_last
        for j, c in enumerate(out):  # same-type spans now overlapped are absorbed
            if j != k and c is not None and c.type == t and c.first <= last and first <= c.last:
                first, last, score = min(first, c.first), max(last, c.last), min(score, c.score)
                out[j] = None
        out[k] = Span(first, last, t, score)
    return in_order(c for c in out if c is not None)


def drop_initial_pieces(spans: list[Span], words, syllables) -> list[Span]:
    """A span that is only the capitalised head of a sentence's first word, whose other syllables are
    lowercase ("Giữ" of "Giữ_vững", "Kỳ" of "Kỳ_vọng" opening a subheading), is a common word capitalised by
    its position, not a name: dropped. A name glued to a lowercase word inside a sentence ([Bắc Hà] of
    "Bắc_Hà_nhiệm_kỳ") is kept: only there does its capital say something."""
    word_of = word_index(words, len(syllables))

    def opens_sentence(i: int) -> bool:  # first syllable, or only punctuation before it in the sentence
        return all(not any(ch.isalnum() for ch in syllables[j].text) for j in range(i))

    out = []
    for c in spans:
        first, last = c.first, c.last
        w = words[word_of[first]]
        piece = word_of[last] == word_of[first] and w.first == first and last < w.last
        if (piece and opens_sentence(first) and syllables[first].text[:1].isupper()
                and all(syllables[i].text[:1].islower() for i in range(last + 1, w.last + 1))):
            continue
        out.append(c)
    return out


#: the repairs by the names `ExtractorSettings.repairs` uses, in the order they run whatever order the settings
#: list them in; each takes the spans of one sentence (its syllables, words and averaged tag probabilities)
REPAIRS = {
    "punctuation": lambda spans, sentence, probs: trim_punctuation(spans, sentence.syllables),
    "word_splits": lambda spans, sentence, probs: mend_word_splits(spans, probs, sentence.words),
    "word_edges": lambda spans, sentence, probs: snap_to_words(spans, sentence.words, len(sentence.syllables),
                                                               sentence.syllables),
    "initial_words": lambda spans, sentence, probs: drop_initial_pieces(spans, sentence.words, sentence.syllables),
    "member_titles": lambda spans, sentence, probs: whole_member_titles(spans, sentence.syllables),
    "admin_words": lambda spans, sentence, probs: attach_admin_words(spans, sentence.syllables),
    "split_names": lambda spans, sentence, probs: join_split_spans(spans, sentence.syllables),
}


def check_repairs(names) -> tuple[str, ...]:
    """The names as a tuple, or ValueError naming those that are no repair (a model folder's settings, a config)."""
    unknown = [n for n in names if n not in REPAIRS]
    if unknown:
        raise ValueError(f"unknown repair(s) {', '.join(map(repr, unknown))}; known: {', '.join(REPAIRS)}")
    return tuple(names)


def apply_repairs(spans: list[Span], names, sentence, probs: torch.Tensor) -> list[Span]:
    """The spans after the named repairs, run in REPAIRS' order."""
    check_repairs(names)
    for name, repair in REPAIRS.items():
        if name in names:
            spans = repair(spans, sentence, probs)
    return spans
