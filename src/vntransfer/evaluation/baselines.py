"""Baselines scored on the same folds and texts as the model.

* `UndertheseaNER`: underthesea's bundled NER, PER -> PERSON, LOC -> LOCALITY, ORG -> BODY.
* `LexiconBaseline`: longest-match gazetteer built from the training side of a fold (gold surface
  forms of every type) plus the administrative units of the `vietnam-provinces` registry, with rules
  for relations (a post directly before a body is OF it; a LOCALITY inside a BODY is LOCATED_IN it; a
  post next to a name is HOLDS) and the project's event assembly.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from ..annotation.document import Document, Entity, Relation
from ..events import assemble_events
from ..schema import ALLOWED_NESTING, ENTITY_TYPES
from ..lexicons.registry import admin_words
from ..text.normalize import nfc
from ..text.syllables import split_syllables
from ..text.words import segment_words

UNDERTHESEA_TYPES = {"PER": "PERSON", "LOC": "LOCALITY", "ORG": "BODY"}


def _key(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(nfc(t) for t in texts)


def _document(ident: str, text: str, spans: list[tuple[int, int, str]], relations=(), sentences=None) -> Document:
    spans = sorted(set(spans), key=lambda s: (s[0], -s[1], s[2]))
    ids = {s: f"T{n}" for n, s in enumerate(spans, start=1)}
    ents = tuple(Entity(ids[s], s[2], s[0], s[1], text[s[0]:s[1]]) for s in spans)
    rels = tuple(Relation(f"R{n}", t, ids[h], ids[tl]) for n, (t, h, tl) in enumerate(relations, start=1))
    doc = Document(ident, text, ents, rels)
    if sentences is not None:
        doc = Document(ident, text, ents, rels, assemble_events(doc, sentences))
    return doc


class UndertheseaNER:
    name = "underthesea ner"

    def predict(self, text: str, id: str = "") -> Document:
        from underthesea import ner

        spans = []
        for s in segment_words(text, segment=False):
            syl = s.syllables
            try:
                rows = ner(text[s.start:s.end])
            except Exception:  # the baseline must not stop the report
                continue
            sizes = [len(split_syllables(r[0])) for r in rows]
            if sum(sizes) != len(syl):
                continue
            i, cur = 0, None
            for (word, *_, tag), n in zip(rows, sizes):
                prefix, _, label = tag.partition("-")
                if cur and (prefix != "I" or label != cur[2]):
                    spans.append(cur)
                    cur = None
                if label in UNDERTHESEA_TYPES and n:
                    start, end = syl[i].start, syl[i + n - 1].end
                    if cur and prefix == "I":
                        cur = (cur[0], end, cur[2])
                    else:
                        cur = (start, end, label)
                i += n
            if cur:
                spans.append(cur)
        return _document(id, text, [(a, b, UNDERTHESEA_TYPES[t]) for a, b, t in spans])


#: how the registry's unit names begin ("Thành phố Hà Nội", "Phường Sa Pa", "Đặc khu Phú Quốc")
_REGISTRY_PREFIXES = tuple(w[:1].upper() + w[1:] + " " for w in admin_words(("province", "commune", "special_zone"),
                                                                          abbreviations=False))


@lru_cache(maxsize=1)
def registry_localities() -> frozenset[tuple[str, ...]]:
    """Administrative units from `vietnam-provinces` (province and commune level), with and without
    their administrative word, as syllable tuples."""
    import vietnam_provinces as vp

    names = set()
    for unit in [*vp.Province.iter_all(), *vp.Ward.iter_all()]:
        full = unit.name  # e.g. "Thành phố Hà Nội", "Phường Sa Pa", "Điện Biên"
        kind = unit.division_type.value  # "tỉnh", "xã", "phường", "thành phố trung ương", ...
        bare = full
        for prefix in _REGISTRY_PREFIXES:
            if full.startswith(prefix):
                bare = full[len(prefix):]
        word = "thành phố" if kind.startswith("thành phố") else kind
        names.add(_key(s.text for s in split_syllables(bare)))
        names.add(_key(s.text for s in split_syllables(f"{word} {bare}")))
    return frozenset(n for n in names if n)


class LexiconBaseline:
    name = "lexicon + rules"

    def __init__(self, train_docs: list[Document], use_registry: bool = True):
        self.lexicon: dict[tuple[str, ...], str] = {}
        counts: dict[tuple[str, ...], dict[str, int]] = {}
        for d in train_docs:
            for e in d.entities:
                key = _key(s.text for s in split_syllables(e.text))
                counts.setdefault(key, {}).setdefault(e.type, 0)
                counts[key][e.type] += 1
        for key, by_type in counts.items():
            self.lexicon[key] = max(by_type, key=by_type.get)
        if use_registry:
            for key in registry_localities():
                self.lexicon.setdefault(key, "LOCALITY")
        self.max_len = max((len(k) for k in self.lexicon), default=1)

    def _match(self, keys: list[tuple], types: set[str], lo: int, hi: int) -> list[tuple[int, int, str]]:
        out, i = [], lo
        while i < hi:
            for n in range(min(self.max_len, hi - i), 0, -1):
                t = self.lexicon.get(tuple(keys[i:i + n]))
                if t in types:
                    out.append((i, i + n - 1, t))
                    i += n
                    break
            else:
                i += 1
        return out

    def predict(self, text: str, id: str = "") -> Document:
        spans, relations, sentences = [], [], []
        for s in segment_words(text, segment=False):
            syl = s.syllables
            keys = [nfc(x.text) for x in syl]
            outer = self._match(keys, {"PERSON", "POSITION", "BODY"}, 0, len(syl))
            inner = []
            for f, l, t in outer:
                if t == "BODY":
                    inner += self._match(keys, {"LOCALITY"}, f, l + 1)
            gaps, prev = [], 0
            for f, l, _ in outer:
                gaps.append((prev, f))
                prev = l + 1
            gaps.append((prev, len(syl)))
            free = [m for a, b in gaps for m in self._match(keys, {"LOCALITY"}, a, b)]
            found = sorted(outer + inner + free)
            sentences.append((s.start, s.end))
            as_span = {m: (syl[m[0]].start, syl[m[1]].end, m[2]) for m in found}
            spans.extend(as_span.values())
            for a in found:
                for b in found:
                    if a is b:
                        continue
                    gap = b[0] - a[1] - 1
                    between = {keys[k] for k in range(a[1] + 1, b[0])}
                    if a[2] == "POSITION" and b[2] == "BODY" and gap == 0:
                        relations.append(("OF", as_span[a], as_span[b]))
                    elif (b[2], a[2]) in ALLOWED_NESTING and a[0] <= b[0] and b[1] <= a[1]:
                        relations.append(("LOCATED_IN", as_span[a], as_span[b]))
                    elif a[2] == "PERSON" and b[2] == "POSITION" and 0 < gap <= 1 and between <= {",", "-", "–"}:
                        relations.append(("HOLDS", as_span[a], as_span[b]))
                    elif a[2] == "POSITION" and b[2] == "PERSON" and gap == 0:
                        relations.append(("HOLDS", as_span[b], as_span[a]))
        return _document(id, text, spans, relations, sentences)


assert set(UNDERTHESEA_TYPES.values()) <= set(ENTITY_TYPES)
