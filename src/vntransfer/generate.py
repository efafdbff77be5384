"""A seeded generator of annotated transfer news (SPEC.md JSON), for training only.

Documents are assembled from forms that real transfer news takes (decision announcements, lists,
headlines and leads, central cadres rotated to provinces, elections, receptions, assignments,
captions and related-news lists, statistics without events). Names come from the name lexicons,
posts and bodies from `lexicons/positions.tsv` and `bodies.tsv`, places from the `vietnam-provinces`
registry. Spans are recorded while the text is built, so the annotation is exact by construction;
events are assembled by the same code the model uses and every document is validated.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Optional

from .document import Document, Entity, Relation
from .events import assemble_events
from .words import split_sentences


def _tsv(name: str) -> list[list[str]]:
    text = resources.files("vntransfer").joinpath("lexicons", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def lexicons() -> dict:
    import vietnam_provinces as vp

    provinces = [(p.name.removeprefix("Thành phố "), "thành phố" if p.name.startswith("Thành phố") else "tỉnh")
                 for p in vp.Province.iter_all()]
    wards = [(w.division_type.value, w.name.split(" ", 1)[1]) for w in vp.Ward.iter_all() if " " in w.name]
    positions: dict[str, list[str]] = {}
    for title, kind in _tsv("positions.tsv"):
        positions.setdefault(kind, []).append(title)
    bodies: dict[str, list[tuple[str, str]]] = {}
    for kind, name, level in _tsv("bodies.tsv"):
        bodies.setdefault(kind, []).append((name, level))
    return {
        "surnames": [(s, int(w)) for s, w in _tsv("surnames.tsv")],
        "middles": [(s, int(w)) for s, w in _tsv("middle_names.tsv")],
        "givens": [(s, int(w)) for s, w in _tsv("given_names.tsv")],
        "provinces": provinces, "wards": wards, "positions": positions, "bodies": bodies,
    }


@dataclass
class Builder:
    """Text built piece by piece with its spans; `nfd` writes every piece decomposed."""

    nfd: bool = False
    parts: list[str] = field(default_factory=list)
    length: int = 0
    entities: list[tuple[str, int, int]] = field(default_factory=list)
    relations: list[tuple[str, int, int]] = field(default_factory=list)

    def add(self, s: str) -> None:
        if self.nfd:
            s = unicodedata.normalize("NFD", s)
        self.parts.append(s)
        self.length += len(s)

    def ent(self, type_: str, s: str) -> int:
        start = self.length
        self.add(s)
        self.entities.append((type_, start, self.length))
        return len(self.entities) - 1

    def rel(self, type_: str, head: Optional[int], tail: Optional[int]) -> None:
        if head is not None and tail is not None:
            self.relations.append((type_, head, tail))

    def document(self, ident: str, meta: dict) -> Document:
        text = "".join(self.parts)
        order = sorted(range(len(self.entities)), key=lambda i: (self.entities[i][1], -self.entities[i][2]))
        new = {old: f"T{n}" for n, old in enumerate(order, start=1)}
        ents = tuple(Entity(new[i], self.entities[i][0], self.entities[i][1], self.entities[i][2],
                            text[self.entities[i][1]:self.entities[i][2]]) for i in order)
        rels = tuple(Relation(f"R{n}", t, new[h], new[tl]) for n, (t, h, tl) in enumerate(self.relations, start=1))
        doc = Document(ident, text, ents, rels, meta=meta)
        events = assemble_events(doc, split_sentences(text))
        return Document(ident, text, ents, rels, events, meta=meta)


class Generator:
    def __init__(self, seed: int = 0):
        self.rng = random.Random(seed)
        self.lex = lexicons()

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

    def body(self, b: Builder, kind: str, province: tuple[str, str], ward: tuple[str, str]) -> int:
        name, level = self.rng.choice(self.lex["bodies"][kind])
        name = self.spelling(name)
        place = None
        if "{P}" in name:
            pre, post = name.split("{P}")
            place = province[0]
            if pre.endswith("tỉnh "):  # the admin word directly before the name belongs to the LOCALITY
                pre = pre[:-len("tỉnh ")]
                place = f"{self.rng.choice([province[1], province[1], 'TP.'] if province[1] == 'thành phố' else ['tỉnh'])} {province[0]}".replace("TP. ", "TP.")
        elif "{L}" in name:
            pre, post = name.split("{L}")
            place = f"{ward[0]} {ward[1]}"
        else:
            pre, post = name, ""
        start = b.length
        b.add(pre)
        inner = b.ent("LOCALITY", place) if place else None
        b.add(post)
        b.entities.append(("BODY", start, b.length))
        body = len(b.entities) - 1
        b.rel("LOCATED_IN", body, inner)
        return body

    def post(self, b: Builder, province, ward, kind: Optional[str] = None, lower: bool = False,
             avoid: Optional[tuple[str, str]] = None) -> tuple[int, int]:
        while True:
            k = kind or self.rng.choice(list(self.lex["positions"]))
            title = self.rng.choice(self.lex["positions"][k])
            if (title, k) != avoid:
                break
        kind = k
        self.last_post = (title, kind)
        if lower and self.rng.random() < 0.5:
            title = title.lower()
        pos = b.ent("POSITION", title)
        b.add(" ")
        body = self.body(b, kind, province, ward)
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
        return f"{r.randint(1, 28)}/{r.randint(1, 12)}" + (f"/{r.randint(2015, 2026)}" if r.random() < 0.5 else "")

    # -- forms ----------------------------------------------------------------------------------
    def announcement(self, b: Builder, P, W) -> None:
        r = self.rng
        trigger = r.choice(["điều động, bổ nhiệm", "bổ nhiệm", "luân chuyển, chỉ định", "điều động", "tiếp nhận và bổ nhiệm",
                            "phân công"])
        b.add(r.choice(["Ngày ", "Sáng ", "Chiều "]) + self.date() + ", ")
        self.body(b, r.choice(["party_committee", "people_committee"]), P, W)  # the issuing body
        b.add(" tổ chức hội nghị công bố quyết định về công tác cán bộ. Theo đó, " + trigger + " ")
        p, _ = self.person(b)
        b.add(", ")
        held, _ = self.post(b, P, W)
        b.rel("HOLDS", p, held)
        b.add(r.choice([", giữ chức ", ", làm ", " giữ chức vụ ", ", đến nhận công tác và giữ chức "]))
        new, _ = self.post(b, P, W, lower=True, avoid=self.last_post)
        b.rel("APPOINTED_TO", p, new)
        b.add(r.choice([".", ", thời hạn 5 năm.", " kể từ ngày " + self.date() + "."]))

    def listing(self, b: Builder, P, W) -> None:
        r = self.rng
        b.add(r.choice(["Ban Thường vụ ", "Thường trực "]))
        b.ent("BODY", self.spelling(r.choice(["Tỉnh ủy", "Thành ủy"])))
        b.add(" đã " + r.choice(["điều động, bổ nhiệm", "luân chuyển", "bổ nhiệm", "chỉ định"]) + " các đồng chí sau:\n")
        for _ in range(r.randint(2, 4)):
            b.add("- ")
            p, _ = self.person(b, honorific=r.random() < 0.7)
            b.add(", ")
            held, _ = self.post(b, P, W)
            b.rel("HOLDS", p, held)
            b.add(", giữ chức ")
            new, _ = self.post(b, P, W, lower=True, avoid=self.last_post)
            b.rel("APPOINTED_TO", p, new)
            b.add(".\n")

    def central(self, b: Builder, P, W) -> None:
        r = self.rng
        b.ent("BODY", r.choice(["Bộ Chính trị", "Ban Bí thư"]))
        b.add(" " + r.choice(["điều động, chỉ định", "điều động", "luân chuyển"]) + " ")
        p, _ = self.person(b)
        b.add(", ")
        if r.random() < 0.5:
            u = b.ent("POSITION", self.spelling(r.choice(["Ủy viên", "Ủy viên dự khuyết"])))
            b.add(" ")
            t = b.ent("BODY", "Trung ương Đảng")
            b.rel("OF", u, t)
            b.rel("HOLDS", p, u)
            b.add(", ")
        held, _ = self.post(b, P, W, kind=r.choice(["ministry", "party_board", "ministry_dept"]))
        b.rel("HOLDS", p, held)
        b.add(", về tham gia ")
        b.ent("BODY", "Ban Chấp hành")
        b.add(", ")
        b.ent("BODY", "Ban Thường vụ")
        b.add(" và giữ chức ")
        new = b.ent("POSITION", r.choice(["Bí thư", "Phó Bí thư"]))
        b.add(" ")
        committee = self.body(b, "party_committee", P, W)
        b.rel("OF", new, committee)
        b.rel("APPOINTED_TO", p, new)
        b.add(" nhiệm kỳ 2020 - 2025.")

    def election(self, b: Builder, P, W) -> None:
        r = self.rng
        b.add("Tại kỳ họp thứ " + str(r.randint(2, 30)) + ", ")
        self.body(b, "council", P, W)
        b.add(" khóa XVIII đã " + r.choice(["bầu", "tiến hành bầu"]) + " ")
        p, _ = self.person(b)
        b.add(", ")
        held, _ = self.post(b, P, W)
        b.rel("HOLDS", p, held)
        b.add(", giữ chức ")
        new = b.ent("POSITION", r.choice(["Chủ tịch", "Phó Chủ tịch"]))
        b.add(" ")
        body = self.body(b, "people_committee", P, W)
        b.rel("OF", new, body)
        b.rel("APPOINTED_TO", p, new)
        b.add(" nhiệm kỳ 2021 - 2026 với " + str(r.randint(80, 100)) + "% số đại biểu tán thành.")

    def destination(self, b: Builder, P, W) -> None:
        r = self.rng
        p, _ = self.person(b, capital=True)
        b.add(", ")
        held, _ = self.post(b, P, W)
        b.rel("HOLDS", p, held)
        b.add(r.choice([", được điều động về ", ", được luân chuyển về ", " được điều về ", ", được điều động đến nhận công tác tại "]))
        if r.random() < 0.5:
            dest = b.ent("LOCALITY", f"{W[0]} {W[1]}")
        else:
            dest = self.body(b, r.choice(["department", "people_committee", "party_board"]), P, W)
        b.rel("TRANSFERRED_TO", p, dest)
        b.add(" từ tháng " + str(r.randint(1, 12)) + ".")

    def statistics(self, b: Builder, P, W) -> None:
        r = self.rng
        b.add(f"Năm {r.randint(2016, 2025)}, ")
        b.ent("LOCALITY", f"{P[1]} {P[0]}")
        b.add(f" đã điều động, luân chuyển {r.randint(5, 90)} cán bộ, trong đó {r.randint(2, 30)} cán bộ về cơ sở. ")
        p, _ = self.person(b, capital=True)
        b.add(", ")
        held, _ = self.post(b, P, W)
        b.rel("HOLDS", p, held)
        b.add(" cho biết, việc luân chuyển giúp cán bộ trưởng thành nhanh hơn.")

    def caption(self, b: Builder, P, W) -> None:
        r = self.rng
        p, _ = self.person(b, honorific=False)
        b.add(", ")
        held, _ = self.post(b, P, W)
        b.rel("HOLDS", p, held)
        b.add(r.choice([" trao quyết định cho cán bộ. ", " phát biểu tại hội nghị. "]))
        b.add("(Ảnh: ")
        b.ent("PERSON", self.name()[0])
        b.add(")")

    FORMS = ("announcement", "listing", "central", "election", "destination", "statistics", "caption")

    def document(self, n: int) -> Document:
        r = self.rng
        P = r.choice(self.lex["provinces"])
        W = r.choice(self.lex["wards"])
        b = Builder(nfd=r.random() < 0.1)
        b.add(r.choice(["Công bố quyết định về công tác cán bộ", "Điều động, bổ nhiệm cán bộ chủ chốt",
                        "Luân chuyển cán bộ về cơ sở"]) + "\n\n")
        forms = r.sample(self.FORMS, k=r.randint(2, 4))
        for k, form in enumerate(forms):
            getattr(self, form)(b, P, W)
            b.add("\n\n" if r.random() < 0.6 else " ")
        return b.document(f"gen-{n:05d}", {"source": "generated", "generator_seed": None, "forms": forms})


def generate(n: int, seed: int = 0) -> list[Document]:
    g = Generator(seed)
    docs = []
    for i in range(n):
        d = g.document(i)
        docs.append(Document(d.id, d.text, d.entities, d.relations, d.events, meta={**d.meta, "generator_seed": seed}))
    return docs
