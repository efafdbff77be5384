"""Gazetteer features: for each syllable, whether it begins or continues a known place name, post
title or body name, and whether it is a known surname opening a capitalised run.

The lists come from registries and from the project's lexicons, never from the seed articles:
places from `vietnam-provinces` (after the 2025 merger) and vietnamadminunits via underthesea.address
(before it), surnames, titles and body names from `lexicons/`. A feature is a hint the model weighs
against the context, as in flair's and spaCy's use of gazetteers: a place missing from the registry
(a village, a region) is still found from context, and training drops the features at random
(`gazetteer_dropout`) so that the model does not lean on them alone.
"""
from __future__ import annotations

from functools import lru_cache

from ..text.normalize import match_key
from .registry import admin_words, legacy_units, national_titles, read_tsv

#: feature values per syllable: place (O/B/I) x title (O/B/I) x body (O/B/I) x surname (0/1)
N_GAZETTEER_FEATURES = 3 * 3 * 3 * 2
MAX_MATCH = 8

#: case- and tone-style-insensitive form of one syllable (text/normalize.py)
key = match_key


def _keys(phrase: str) -> tuple[str, ...]:
    return tuple(key(p) for p in phrase.split())


@lru_cache(maxsize=1)
def lists() -> dict[str, frozenset[tuple[str, ...]]]:
    import vietnam_provinces as vp

    places = set()
    for p in vp.Province.iter_all():
        places.add(_keys(p.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")))
    for w in vp.Ward.iter_all():
        if " " in w.name:
            places.add(_keys(w.name.split(" ", 1)[1]))
    legacy = legacy_units()
    places.update(_keys(name) for name, _ in legacy["provinces"])
    places.update(_keys(name) for _, name, _ in legacy["districts"])
    places.update(_keys(name) for communes in legacy["communes"].values() for _, name in communes)
    titles = {_keys(title) for title, _ in read_tsv("positions.tsv")} | {_keys(t) for t, _ in national_titles()}
    bodies = {_keys(b) for _, b in national_titles() if b}
    admin = {_keys(w) for w in admin_words(abbreviations=False)}  # "Công an TP {P}" keeps its "TP"
    for _, name, _ in read_tsv("bodies.tsv"):
        fixed = name.split("{")[0].split()
        # the admin word before a place slot belongs to the place ("Sở Nội vụ tỉnh {P}" -> "Sở Nội vụ")
        stripped = True
        while fixed and stripped:
            stripped = False
            for n in (3, 2, 1):
                if len(fixed) >= n and _keys(" ".join(fixed[-n:])) in admin:
                    del fixed[-n:]
                    stripped = True
                    break
        if fixed:
            bodies.add(_keys(" ".join(fixed)))
    surnames = {(key(s),) for s, _ in read_tsv("surnames.tsv")}
    return {"places": frozenset(p for p in places if p), "titles": frozenset(titles),
            "bodies": frozenset(bodies), "surnames": frozenset(surnames)}


def _capitalised(text: str) -> bool:
    return text[:1].isupper()


def _bio(keys: list[str], phrases: frozenset, allowed) -> list[int]:
    """Longest matches left to right: 0 outside, 1 first syllable, 2 inside."""
    firsts = _first_keys(phrases)
    tags = [0] * len(keys)
    i = 0
    while i < len(keys):
        if keys[i] not in firsts:  # no phrase starts here
            i += 1
            continue
        for n in range(min(MAX_MATCH, len(keys) - i), 0, -1):
            if tuple(keys[i:i + n]) in phrases and all(allowed(k) for k in range(i, i + n)):
                tags[i] = 1
                for k in range(i + 1, i + n):
                    tags[k] = 2
                i += n
                break
        else:
            i += 1
    return tags


_FIRSTS: dict[int, tuple[frozenset, frozenset]] = {}


def _first_keys(phrases: frozenset) -> frozenset:
    """The first syllable keys of `phrases` (the lists are built once, so this is computed once each)."""
    entry = _FIRSTS.get(id(phrases))
    if entry is None or entry[0] is not phrases:
        entry = _FIRSTS[id(phrases)] = (phrases, frozenset(p[0] for p in phrases if p))
    return entry[1]


def features(syllables: list[str]) -> list[int]:
    """One feature value in [0, N_GAZETTEER_FEATURES) per syllable."""
    lex = lists()
    keys = [key(s) for s in syllables]
    place = _bio(keys, lex["places"], lambda k: _capitalised(syllables[k]))
    title = _bio(keys, lex["titles"], lambda k: True)
    body = _bio(keys, lex["bodies"], lambda k: True)
    surname = [int((keys[k],) in lex["surnames"] and _capitalised(syllables[k])
                   and k + 1 < len(syllables) and _capitalised(syllables[k + 1])) for k in range(len(keys))]
    return [((p * 3 + t) * 3 + b) * 2 + s for p, t, b, s in zip(place, title, body, surname)]
