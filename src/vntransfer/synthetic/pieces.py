"""The pieces every form is written from: names, posts with their bodies and nested places, people,
dates; each draws from the document's random generator and lexicons."""
from __future__ import annotations

import random
from typing import Optional

from .builder import Builder, lowercase_words
from .lexicon import DISTRICT_COMMITTEE, lexicons


class Pieces:
    def __init__(self, seed: int = 0):
        self.rng = random.Random(seed)
        self.lex = lexicons()
        self.district: Optional[tuple[str, str, str]] = None  # set for a document written before the 2025 merger

    # -- pieces ---------------------------------------------------------------------------------
    def _weighted(self, items):
        return self.rng.choices([s for s, _ in items], weights=[w for _, w in items])[0]

    def name(self) -> tuple[str, str]:
        r = self.rng
        middle = self._weighted(self.lex["middles"])
        female = middle == "Thị" or r.random() < 0.2
        parts = [self._weighted(self.lex["surnames"]), middle]
        if r.random() < 0.25:
            parts.append(self._weighted(self.lex["middles"]))
        parts.append(self._weighted(self.lex["givens"]))
        return " ".join(dict.fromkeys(parts)), ("bà" if female else "ông")

    def spelling(self, s: str) -> str:
        """Both tone-mark spellings occur in real text."""
        if self.rng.random() < 0.3:
            s = s.replace("Ủy", "Uỷ").replace("ủy", "uỷ").replace("Hòa", "Hoà")
        return s

    def kinds(self) -> list[str]:
        """Kinds of body that exist in this document's era (districts were abolished in 2025)."""
        return [k for k, names in self.lex["bodies"].items() if any(self._exists(level) for _, level in names)]

    def _exists(self, level: str) -> bool:
        return level != "district" or self.district is not None

    def body(self, b: Builder, kind: str, province: tuple[str, str], ward: tuple[str, str], prefix: str = "",
             level: Optional[str] = None) -> int:
        """A BODY of `kind` in `province` / `ward` (at `level` if given), with its place nested; `prefix`
        ("Ban Thường vụ ") opens the span."""
        name, level = self.rng.choice([c for c in self.lex["bodies"][kind] if self._exists(c[1])
                                       and level in (None, c[1])])
        name = self.spelling(name)
        if province[1] == "thành phố":  # a centrally governed city has a Thành ủy, not a Tỉnh ủy
            name = name.replace("Tỉnh ủy", "Thành ủy").replace("Tỉnh uỷ", "Thành uỷ")
        place = None
        if "{P}" in name:
            pre, post = name.split("{P}")
            place = province[0]
            if pre.endswith("tỉnh "):  # the admin word directly before the name belongs to the LOCALITY
                pre = pre[:-len("tỉnh ")]
                place = f"{self.rng.choice([province[1], province[1], 'TP.'] if province[1] == 'thành phố' else ['tỉnh'])} {province[0]}".replace("TP. ", "TP.")
        elif "{D}" in name:
            word, dname, _ = self.district
            pre, post = name.replace("{DC}", self.spelling(DISTRICT_COMMITTEE[word])).split("{D}")
            place = dname
            if pre.endswith("huyện "):
                pre = pre[:-len("huyện ")]
                place = f"{word} {dname}"
        elif "{L}" in name:
            pre, post = name.split("{L}")
            place = f"{ward[0]} {ward[1]}"
        else:
            pre, post = name, ""
        if self.rng.random() < 0.08:  # organ names written in lowercase ("ban tổ chức tỉnh ủy"); acronyms and places stay
            prefix, pre, post = lowercase_words(prefix), lowercase_words(pre), lowercase_words(post)
            if not b.parts or b.parts[-1].endswith(("\n", ". ")):  # a sentence still opens with a capital
                prefix, pre = (prefix[:1].upper() + prefix[1:], pre) if prefix else ("", pre[:1].upper() + pre[1:])
        start = b.length
        b.add(prefix + pre)
        inner = b.ent("LOCALITY", place) if place else None
        b.add(post)
        b.entities.append(("BODY", start, b.length))
        body = len(b.entities) - 1
        b.rel("LOCATED_IN", body, inner)
        return body

    def post(self, b: Builder, province, ward, kind: Optional[str] = None, lower: bool = False,
             avoid: Optional[tuple[str, str]] = None) -> tuple[int, int]:
        kinds = [k for k in self.kinds() if k in self.lex["positions"]]
        for _ in range(20):  # a kind with a single title may have to repeat it
            k = kind or self.rng.choice(kinds)
            title = self.rng.choice(self.lex["positions"][k])
            if (title, k) != avoid:
                break
        kind = k
        self.last_post = (title, kind)
        prefix = ""
        if title.endswith(" Ban Thường vụ"):  # [Ủy viên] [Ban Thường vụ Tỉnh ủy]: the standing committee is the body
            title, prefix = title[:-len(" Ban Thường vụ")], "Ban Thường vụ "
        if lower and self.rng.random() < 0.5:
            title = title.lower()
        pos = b.ent("POSITION", title)
        b.add(" ")
        body = self.body(b, kind, province, ward, prefix=prefix)
        b.rel("OF", pos, body)
        return pos, body

    def person(self, b: Builder, honorific: bool = True, capital: bool = False) -> tuple[int, str]:
        name, hon = self.name()
        if honorific:
            word = self.rng.choice([hon, hon, "đồng chí"])
            b.add((word[0].upper() + word[1:] if capital else word) + " ")
        return b.ent("PERSON", name), name

    def date(self) -> str:
        r = self.rng
        years = (2015, 2024) if self.district else (2025, 2026)
        return f"{r.randint(1, 28)}/{r.randint(1, 12)}" + (f"/{r.randint(*years)}" if r.random() < 0.5 else "")

    def membership(self, b: Builder, person: int) -> None:
        """", Tỉnh ủy viên": a committee membership written as one title (SPEC.md: whole), held with no body."""
        titles = ["Tỉnh ủy viên", "Thành ủy viên", "Đảng ủy viên"] + (["Huyện ủy viên"] if self.district else [])
        b.add(", ")
        b.rel("HOLDS", person, b.ent("POSITION", self.spelling(self.rng.choice(titles))))

    def _old_post(self, b: Builder, p: int, P, W) -> None:
        held, _ = self.post(b, P, W)
        b.rel("HOLDS", p, held)

    def _held_in(self, b: Builder, p: int, kind: str, P, W) -> None:
        held, _ = self.post(b, P, W, kind=kind)
        b.rel("HOLDS", p, held)
