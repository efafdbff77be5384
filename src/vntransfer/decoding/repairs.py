"""Scores -> spans: tag probabilities of each type layer become scored syllable spans; overlaps that
SPEC.md forbids are resolved in favour of the higher-scoring span. Then repairs that follow from
SPEC.md's boundary rules and from word segmentation, applied in the order `ExtractorSettings.repairs`
lists them: punctuation trimmed from span edges (`trim_punctuation`), spans cut inside one segmented
word mended (`mend_word_splits`), edges inside a word grown to the word's edge (`snap_to_words`), the
capitalised head of a sentence's first word dropped (`drop_initial_pieces`), "Tỉnh" + [ủy viên] made
one title (`whole_member_titles`), an administrative word joined to the LOCALITY it precedes
(`attach_admin_words`) and a name cut in two on adjacent syllables joined (`join_split_spans`). What
each is worth is measured on the seed cross-validation with the same fold models (`evaluate.py --cv`, "Decoding repairs" in the report)."""
from __future__ import annotations

import unicodedata

import torch

from ..annotation.formats.bio import decode_spans
from ..schema import ALLOWED_NESTING, ENTITY_TYPES, TAGS


def decode_entities(probs: torch.Tensor) -> list[tuple[int, int, int, float]]:
    """probs: (syllables, types, tags). Returns (first, last, type index, score), non-conflicting."""
    best = probs.argmax(-1)
    candidates = []
    for t, name in enumerate(ENTITY_TYPES):
        tags = [("O" if k == 0 else f"{TAGS[k]}-{name}") for k in best[:, t].tolist()]
        for _, first, last in decode_spans(tags):
            chosen = probs[first:last + 1, t].gather(-1, best[first:last + 1, t:t + 1]).squeeze(-1)
            candidates.append((first, last, t, float(chosen.mean())))
    kept: list[tuple[int, int, int, float]] = []
    for c in sorted(candidates, key=lambda c: -c[3]):
        if all(_compatible(c, k) for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: (c[0], -c[1], c[2]))


#: administrative words that belong to the LOCALITY they directly precede (SPEC.md "Decided cases")
ADMIN_WORDS = frozenset({("tỉnh",), ("thành", "phố"), ("tp",), ("tp", "."), ("huyện",), ("quận",), ("thị", "xã"),
                         ("xã",), ("phường",), ("thị", "trấn"), ("thôn",), ("bản",), ("đặc", "khu"), ("tổ", "dân", "phố")})


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


def attach_admin_words(spans: list[tuple[int, int, int, float]], syllables) -> list[tuple[int, int, int, float]]:
    """A LOCALITY predicted as [tỉnh] [Lào Cai] (or as [Lào Cai] right after "tỉnh") becomes [tỉnh Lào Cai];
    after a numeral or plural marker the admin word heads a plural phrase and leaves the name ("hai [xã
    Xuân Vân]" -> "hai xã [Xuân Vân]"); a bare admin word ("Tỉnh đã ...") names no place and no body."""
    loc = ENTITY_TYPES.index("LOCALITY")
    keys = [unicodedata.normalize("NFC", s.text).lower() for s in syllables]
    out = []
    for f, l, t, sc in spans:
        if t == loc and f > 0 and _counts(keys, f - 1):
            n = next((n for n in (3, 2, 1) if tuple(keys[f:f + n]) in ADMIN_WORDS and f + n <= l), 0)
            f += n
        out.append((f, l, t, sc))
    out.sort(key=lambda c: (c[0], -c[1], c[2]))
    changed = True
    while changed:
        changed = False
        for i, (f, l, t, sc) in enumerate(out):
            if t != loc:
                continue
            for n in (1, 2, 3):
                plural = f - n - 1 >= 0 and _counts(keys, f - n - 1)
                if f - n >= 0 and tuple(keys[f - n:f]) in ADMIN_WORDS and not plural:
                    before = [c for c in out if c[2] == loc and c[0] == f - n and c[1] == f - 1]
                    clash = [c for c in out if c[2] == loc and c is not out[i] and c not in before and c[1] >= f - n and c[0] < f]
                    if clash:
                        continue
                    out = [c for c in out if c not in before and c is not out[i]] + [(f - n, l, t, sc)]
                    out.sort(key=lambda c: (c[0], -c[1], c[2]))
                    changed = True
                    break
            if changed:
                break
    # a lone admin word predicted as a LOCALITY or a BODY names nothing (SPEC.md: a bare tỉnh/huyện/xã is no body)
    body = ENTITY_TYPES.index("BODY")
    return [c for c in out if not (c[2] in (loc, body) and tuple(keys[c[0]:c[1] + 1]) in ADMIN_WORDS)]


#: "<unit> ủy viên" is one title (SPEC.md "Decided cases": [Tỉnh ủy viên], [Thành ủy viên])
MEMBER_UNITS = frozenset({"tỉnh", "thành", "huyện", "quận", "thị", "đảng"})


def whole_member_titles(spans: list[tuple[int, int, int, float]], syllables) -> list[tuple[int, int, int, float]]:
    """A POSITION [ủy viên] right after "Tỉnh"/"Thành"/"Huyện"... takes it in: the segmenter writes
    "Tỉnh ủy_viên" and the model follows the word; a one-syllable span on the unit word is replaced."""
    pos = ENTITY_TYPES.index("POSITION")
    keys = [unicodedata.normalize("NFC", s.text).lower().replace("uỷ", "ủy") for s in syllables]
    out = list(spans)
    for c in spans:
        first = c[0]
        if c[2] != pos or first == 0 or keys[first:first + 2] != ["ủy", "viên"] or keys[first - 1] not in MEMBER_UNITS:
            continue
        covering = [o for o in out if o[0] <= first - 1 <= o[1]]
        if any(o[0] != first - 1 or o[1] != first - 1 for o in covering):
            continue  # the unit word belongs to a longer span ("Ban Thường vụ Tỉnh ủy viên ..."): leave it
        out = [o for o in out if o is not c and o not in covering] + [(first - 1, c[1], pos, c[3])]
    return sorted(out, key=lambda c: (c[0], -c[1], c[2]))


def join_split_spans(spans: list[tuple[int, int, int, float]], syllables,
                     types: tuple[str, ...] = ("BODY", "PERSON", "POSITION")) -> list[tuple[int, int, int, float]]:
    """[Ban] [Thường vụ Tỉnh ủy] -> [Ban Thường vụ Tỉnh ủy], [Nguyễn] [Phú Trọng] -> [Nguyễn Phú Trọng]:
    two spans of these types on adjacent syllables one space apart are one name cut in two (a body
    takes its longest name, SPEC.md; two names are never juxtaposed without punctuation)."""
    wanted = {ENTITY_TYPES.index(t) for t in types}
    out = sorted(spans, key=lambda c: (c[0], -c[1], c[2]))
    merged: list[tuple[int, int, int, float]] = []
    for c in out:
        prev = next((m for m in reversed(merged) if m[2] == c[2]), None)
        if (c[2] in wanted and prev is not None and prev[1] + 1 == c[0]
                and syllables[c[0]].start - syllables[prev[1]].end == 1
                and syllables[prev[1]].text not in ",;:.()-–\"“”"):
            merged.remove(prev)
            merged.append((prev[0], c[1], c[2], min(prev[3], c[3])))
        else:
            merged.append(c)
    return sorted(merged, key=lambda c: (c[0], -c[1], c[2]))


def trim_punctuation(spans: list[tuple[int, int, int, float]], syllables) -> list[tuple[int, int, int, float]]:
    """No name begins or ends with a punctuation mark ("[VOV.VN -]" -> "[VOV.VN]"; a closing bracket
    stays when the span opens it); a span of punctuation only names nothing."""
    def word_like(i: int) -> bool:
        return any(ch.isalnum() for ch in syllables[i].text)

    out = []
    for first, last, t, score in spans:
        while first <= last and not word_like(first):
            first += 1
        while last >= first and not word_like(last):
            opened = any("(" in syllables[i].text for i in range(first, last))
            if syllables[last].text.endswith(")") and opened:
                break
            last -= 1
        if first <= last:
            out.append((first, last, t, score))
    return sorted(set(out), key=lambda c: (c[0], -c[1], c[2]))


def word_index(words, n_syllables: int) -> list[int]:
    """syllable -> index of the segmented word that holds it."""
    index = [0] * n_syllables
    for k, w in enumerate(words):
        for i in range(w.first, w.last + 1):
            index[i] = k
    return index


#: a title and its body may meet inside a segmented word ("Phó Trưởng | phòng" in "Trưởng_phòng", SPEC.md)
TITLE_THEN_BODY = frozenset({(ENTITY_TYPES.index("POSITION"), ENTITY_TYPES.index("BODY"))})


def mend_word_splits(spans: list[tuple[int, int, int, float]], probs: torch.Tensor, words,
                     ) -> list[tuple[int, int, int, float]]:
    """Two spans that meet inside one segmented word are one mention cut in two by per-syllable tags:
    same type -> joined ([Lai] [Châu] in "ủy_Lai_Châu" -> [Lai Châu]); different types that may not
    nest -> one span over both with the type the model gives more probability over them (BODY [Tổng] +
    POSITION [Bí thư] in "Tổng_Bí_thư" -> POSITION [Tổng Bí thư]), except a title followed by its body
    ("Phó Trưởng | phòng ..." in "Trưởng_phòng", SPEC.md's shared head noun). Boundaries between words are left
    to the model, so a segmentation error that glues two names ("ủy_Lai_Châu") costs nothing here. A
    span with both edges inside one word is dropped."""
    if not spans:
        return spans
    word_of = word_index(words, probs.shape[0])
    out = sorted(spans, key=lambda c: (c[0], -c[1], c[2]))
    changed = True
    while changed:
        changed = False
        for a in out:
            b = next((c for c in out if c[0] == a[1] + 1 and word_of[c[0]] == word_of[a[1]]
                      and not _nestable(a, c) and (a[2], c[2]) not in TITLE_THEN_BODY), None)
            if b is None:
                continue
            first, last = a[0], b[1]
            if a[2] == b[2]:
                t = a[2]
            else:  # mass of "inside an entity" (B or I) of each type over the joined syllables
                inside = 1.0 - probs[first:last + 1, :, 0]
                t = a[2] if float(inside[:, a[2]].sum()) >= float(inside[:, b[2]].sum()) else b[2]
            joined = (first, last, t, min(a[3], b[3]))
            rest = [c for c in out if c is not a and c is not b]
            if all(_compatible(joined, c) for c in rest):
                out = sorted(rest + [joined], key=lambda c: (c[0], -c[1], c[2]))
                changed = True
                break
    # a span with both edges inside one word is a piece of a longer word ("Phú" of "Nguyễn_Phú_Trọng")
    return [c for c in out if not (word_of[c[0]] == word_of[c[1]] and words[word_of[c[0]]].first < c[0]
                                   and c[1] < words[word_of[c[1]]].last)]


#: words that say when the holder held the post, not what the post is: "tân" (new), "nguyên", "cựu" (former).
#: No gold POSITION holds them, but the segmenter glues them to the title ("Tân_Bí_thư", "Nguyên_Phó Thủ_tướng")
HOLDER_MODIFIERS = frozenset({"tân", "nguyên", "cựu"})


def snap_to_words(spans: list[tuple[int, int, int, float]], words, n_syllables: int,
                  syllables=None) -> list[tuple[int, int, int, float]]:
    """A span with one edge inside a segmented word grows to the word's edge over syllables no other
    span holds ([vụ Tỉnh ủy] in "Ban Thường_vụ Tỉnh_ủy" -> [Thường vụ Tỉnh ủy], which `join_split_spans`
    then joins to [Ban]); same-type spans it reaches are merged into it ([Nguyễn] .. [Trọng] in
    "Nguyễn_Phú_Trọng" -> [Nguyễn Phú Trọng]). Syllables held by a span of another type stop it, so
    "Phó Trưởng | phòng" (SPEC.md's shared head noun) and a place nested after a glued word stay as they are;
    with `syllables`, a capitalised name does not grow over lowercase syllables and a title does not grow
    over a modifier of its holder glued before it ("Tân_Bí_thư" tagged [Bí thư] stays [Bí thư])."""
    word_of = word_index(words, n_syllables)
    position = ENTITY_TYPES.index("POSITION")
    out = sorted(spans, key=lambda c: (c[0], -c[1], c[2]))
    for k in range(len(out)):
        if out[k] is None:
            continue
        first, last, t, score = out[k]
        others = [c for j, c in enumerate(out) if j != k and c is not None]

        def free(i: int, edge: int) -> bool:
            # held by no span of another type, and no lowercase word continuing a capitalised name
            # (the segmenter glues "Bắc_Hà_nhiệm_kỳ": the term stays out of [Đảng ủy phường Bắc Hà])
            if syllables is not None and syllables[edge].text[:1].isupper() and syllables[i].text[:1].islower():
                return False
            return all(not (c[0] <= i <= c[1]) or c[2] == t for c in others)

        w_first, w_last = words[word_of[first]].first, words[word_of[last]].last
        while (t == position and syllables is not None and w_first < first
               and unicodedata.normalize("NFC", syllables[w_first].text).lower() in HOLDER_MODIFIERS):
            w_first += 1
        if w_first < first and all(free(i, first) for i in range(w_first, first)):
            first = w_first
        if last < w_last and all(free(i, last) for i in range(last + 1, w_last + 1)):
            last = w_last
        for j, c in enumerate(out):  # same-type spans now overlapped are absorbed
            if j != k and c is not None and c[2] == t and c[0] <= last and first <= c[1]:
                first, last, score = min(first, c[0]), max(last, c[1]), min(score, c[3])
                out[j] = None
        out[k] = (first, last, t, score)
    return sorted((c for c in out if c is not None), key=lambda c: (c[0], -c[1], c[2]))


def drop_initial_pieces(spans: list[tuple[int, int, int, float]], words, syllables) -> list[tuple[int, int, int, float]]:
    """A span that is only the capitalised head of a sentence's first word, whose other syllables are
    lowercase ("Giữ" of "Giữ_vững", "Kỳ" of "Kỳ_vọng" opening a subheading), is a common word capitalised by
    its position, not a name: dropped. A name glued to a lowercase word inside a sentence ([Bắc Hà] of
    "Bắc_Hà_nhiệm_kỳ") is kept: only there does its capital say something."""
    word_of = word_index(words, len(syllables))

    def opens_sentence(i: int) -> bool:  # first syllable, or only punctuation before it in the sentence
        return all(not any(ch.isalnum() for ch in syllables[j].text) for j in range(i))

    out = []
    for c in spans:
        first, last = c[0], c[1]
        w = words[word_of[first]]
        piece = word_of[last] == word_of[first] and w.first == first and last < w.last
        if (piece and opens_sentence(first) and syllables[first].text[:1].isupper()
                and all(syllables[i].text[:1].islower() for i in range(last + 1, w.last + 1))):
            continue
        out.append(c)
    return out


def _nestable(a, b) -> bool:
    ta, tb = ENTITY_TYPES[a[2]], ENTITY_TYPES[b[2]]
    return (ta, tb) in ALLOWED_NESTING or (tb, ta) in ALLOWED_NESTING


def _compatible(a, b) -> bool:
    if a[1] < b[0] or b[1] < a[0]:
        return True
    if a[2] == b[2]:
        return False
    ta, tb = ENTITY_TYPES[a[2]], ENTITY_TYPES[b[2]]
    if (ta, tb) in ALLOWED_NESTING and b[0] <= a[0] and a[1] <= b[1]:
        return True
    if (tb, ta) in ALLOWED_NESTING and a[0] <= b[0] and b[1] <= a[1]:
        return True
    return False
