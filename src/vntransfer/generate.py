"""A seeded generator of annotated transfer news (SPEC.md JSON), for training only.

Documents are assembled from forms that real transfer news takes (decision announcements, lists,
headlines and leads, central cadres rotated to provinces, elections, receptions, assignments,
captions and related-news lists, statistics without events). Names come from the name lexicons,
posts and bodies from `lexicons/positions.tsv` and `bodies.tsv`, places from the `vietnam-provinces`
registry (after the 2025 merger) and from vietnamadminunits as shipped in underthesea.address (before it:
63 provinces, their districts and communes). Spans are recorded while the text is built, so the
annotation is exact by construction; events are assembled by the same code the model uses and every document is validated.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Optional

from .document import Document, Entity, Relation, Trigger
from .events import assemble_events, find_triggers, trigger_class
from .words import split_sentences


def _tsv(name: str) -> list[list[str]]:
    text = resources.files("vntransfer").joinpath("lexicons", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


DISTRICT_COMMITTEE = {"huyện": "Huyện ủy", "quận": "Quận ủy", "thị xã": "Thị ủy", "thành phố": "Thành ủy"}


def _split_unit(full: str, words: tuple[str, ...]) -> Optional[tuple[str, str]]:
    """"Thị xã Sa Pa" -> ("thị xã", "Sa Pa"); None for a name without a known admin word."""
    full = " ".join(full.split())  # registries carry doubled spaces ("Phường  Thành Nhất")
    for w in words:
        if full.lower().startswith(w + " ") and len(full) > len(w) + 1:
            return w, full[len(w) + 1:]
    return None


def legacy_units() -> dict:
    """Units before the 1 July 2025 merger (63 provinces, ~700 districts, ~10,000 communes), from the
    vietnamadminunits registry that underthesea ships with its address converter (underthesea.address).
    Returns provinces [(name, admin word)], districts [(admin word, name, province name)] and communes by
    district."""
    import json

    try:
        raw = resources.files("underthesea.address").joinpath("data", "mapping.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise RuntimeError(f"the pre-2025 unit registry ships with underthesea>=9.5 (underthesea.address): {exc}") from None
    data = json.loads(raw)
    provinces = [(p["short"], "thành phố" if p["name"].startswith("Thành phố") else "tỉnh")
                 for p in data["old_province_names"].values()]
    districts: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for row in data["ward_mapping"]:
        d = _split_unit(row["old_district"], ("huyện", "quận", "thị xã", "thành phố"))
        w = _split_unit(row["old_ward"], ("xã", "phường", "thị trấn"))
        prov = _split_unit(row["old_province"], ("tỉnh", "thành phố"))
        if d and w and prov:
            districts.setdefault((d[0], d[1], prov[1]), []).append(w)
    return {"provinces": provinces, "districts": sorted(districts), "communes": districts,
            "source": f"{data['metadata']['source']} {data['metadata']['version']} (via underthesea.address)"}


@lru_cache(maxsize=1)
def lexicons() -> dict:
    import vietnam_provinces as vp

    provinces = [(p.name.removeprefix("Thành phố "), "thành phố" if p.name.startswith("Thành phố") else "tỉnh")
                 for p in vp.Province.iter_all()]
    wards = [(w.division_type.value, " ".join(w.name.split()[len(w.division_type.value.split()):]))
             for w in vp.Ward.iter_all() if " " in w.name.strip()]
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
        "legacy": legacy_units(),
    }


@dataclass
class Builder:
    """Text built piece by piece with its spans; `nfd` writes every piece decomposed."""

    nfd: bool = False
    parts: list[str] = field(default_factory=list)
    length: int = 0
    entities: list[tuple[str, int, int]] = field(default_factory=list)
    relations: list[tuple[str, int, int]] = field(default_factory=list)
    #: trigger words written with their class (start, end, class), and words that look like triggers
    #: but govern no move here ("kết quả bầu" after "phê chuẩn"); the lexicon finds the rest
    triggers: list[tuple[int, int, str]] = field(default_factory=list)
    quiet: list[tuple[int, int]] = field(default_factory=list)

    def trig(self, s: str, cls: str) -> None:
        start = self.length
        self.add(s)
        self.triggers.append((start, self.length, cls))

    def hush(self, s: str) -> None:
        start = self.length
        self.add(s)
        self.quiet.append((start, self.length))

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
        written = [(Trigger(s, e, text[s:e]), c) for s, e, c in self.triggers]
        taken = [(s, e) for s, e, _ in self.triggers] + self.quiet
        found = [(t, trigger_class(t)) for t in find_triggers(text, 0, len(text))
                 if not any(t.start < e and s < t.end for s, e in taken)]
        events = assemble_events(doc, split_sentences(text), triggers=written + found)
        return Document(ident, text, ents, rels, events, meta=meta)


def _lowercase_words(s: str) -> str:
    """Lowercase every word but acronyms (UBND, HĐND, TP.)."""
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in s.split(" "))


class Generator:
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
            prefix, pre, post = _lowercase_words(prefix), _lowercase_words(pre), _lowercase_words(post)
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

    # -- forms ----------------------------------------------------------------------------------
    def merger(self, b: Builder, P, W) -> None:
        """Units merged: after a numeral the admin word heads a plural phrase and belongs to no name
        (SPEC.md: hai xã [Xuân Vân] và [Trung Sơn]); the new unit keeps its admin word ([xã Xuân Sơn])."""
        r = self.rng
        kind = W[0]
        pool = self.lex["legacy"]["communes"][self.district] if self.district else self.lex["wards"]
        names = sorted({n for k, n in pool if k == kind and n != W[1]})
        if len(names) < 4:  # a district with few units of this kind: any units of the kind (xã, phường always have)
            kind = kind if kind in ("xã", "phường") else "xã"
            names = sorted({n for k, n in self.lex["wards"] if k == kind and n != W[1]})
        k = r.randint(2, 4)
        b.add(r.choice(["Trên cơ sở sắp xếp ", "Sáp nhập ", "Hợp nhất ", "Nhập ", "Tỉnh đã sắp xếp "])
              + {2: "hai", 3: "ba", 4: "bốn"}[k] + f" {kind}" + r.choice([" ", ": "]))
        for i, name in enumerate(r.sample(names, k)):
            if i:
                b.add(" và " if i == k - 1 else ", ")
            b.ent("LOCALITY", name)
        b.add(r.choice([" thành ", " để thành lập ", " thành đơn vị hành chính mới là "]))
        b.ent("LOCALITY", f"{kind} {W[1]}")
        b.add(". ")
        p, _ = self.person(b, capital=True)
        b.add(", ")
        held, _ = self.post(b, P, W, kind="people_committee")
        b.rel("HOLDS", p, held)
        b.add(r.choice([" cho biết, bộ máy mới đã đi vào hoạt động ổn định.", " cho biết, trụ sở làm việc được giữ nguyên."]))

    def announcement(self, b: Builder, P, W) -> None:
        r = self.rng
        trigger = r.choice(["điều động, bổ nhiệm", "bổ nhiệm", "luân chuyển, chỉ định", "điều động", "tiếp nhận và bổ nhiệm",
                            "phân công"])
        b.add(r.choice(["Ngày ", "Sáng ", "Chiều "]) + self.date() + ", ")
        self.body(b, r.choice(["party_committee", "people_committee"]), P, W)  # the issuing body
        b.add(" tổ chức hội nghị công bố quyết định về công tác cán bộ. Theo đó, " + trigger + " ")
        p, _ = self.person(b)
        if r.random() < 0.25:
            self.membership(b, p)
        b.add(", ")
        held, _ = self.post(b, P, W)
        b.rel("HOLDS", p, held)
        b.add(r.choice([", giữ chức ", ", làm ", " giữ chức vụ ", ", đến nhận công tác và giữ chức "]))
        new, _ = self.post(b, P, W, lower=True, avoid=self.last_post)
        b.rel("APPOINTED_TO", p, new)
        b.add(r.choice([".", ", thời hạn 5 năm.", " kể từ ngày " + self.date() + "."]))

    def listing(self, b: Builder, P, W) -> None:
        r = self.rng
        # the collective organ is one BODY (SPEC.md: "Thường trực Tỉnh ủy" acting as a collective), its place nested
        prefix = r.choice(["Ban Thường vụ ", "Thường trực "])
        if r.random() < 0.5:
            self.body(b, "party_committee", P, W, prefix=prefix)
        else:
            b.ent("BODY", prefix + self.spelling(r.choice(["Tỉnh ủy", "Thành ủy"])))
        b.add(" đã " + r.choice(["điều động, bổ nhiệm", "luân chuyển", "bổ nhiệm", "chỉ định"]) + " các đồng chí sau:\n")
        for _ in range(r.randint(2, 4)):
            b.add("- ")
            p, _ = self.person(b, honorific=r.random() < 0.7)
            if r.random() < 0.2:
                self.membership(b, p)
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

    # national titles as a chain before a name; None = no body written after the title
    NATIONAL = (("Tổng Bí thư", None), ("Thủ tướng", None), ("Thủ tướng", "Chính phủ"), ("Chủ tịch nước", None),
                ("Chủ tịch", "Quốc hội"), ("Phó Thủ tướng", "Chính phủ"), ("Ủy viên", "Bộ Chính trị"),
                ("Uỷ viên", "Bộ Chính trị"), ("Bí thư", "Trung ương Đảng"), ("Ủy viên", "Trung ương Đảng"),
                ("Thường trực", "Ban Bí thư"), ("Trưởng", "Ban Tổ chức Trung ương"), ("Phó Chủ tịch", "Quốc hội"),
                ("Chủ nhiệm", "Ủy ban Kiểm tra Trung ương"), ("Trưởng", "Ban Nội chính Trung ương"),
                ("Phó Trưởng", "Ban Tổ chức Trung ương"), ("Bộ trưởng", "Bộ Nội vụ"))
    OUTLETS = ("VOV.VN", "VTV.vn", "TTXVN", "Dân trí", "VnExpress", "Báo Nhân Dân", "Báo Lao Động", "VietNamNet",
               "Tuổi Trẻ", "Thanh Niên", "Báo Tin tức", "Báo Chính phủ", "LCĐT", "QĐND", "CAND")

    def chain(self, b: Builder, P, W, person: bool = True) -> Optional[int]:
        """'Ủy viên Bộ Chính trị, Tổng Bí thư Nguyễn Văn A chủ trì hội nghị': titles before the name, each
        held by the person (a title with no person after it holds nothing)."""
        r = self.rng
        posts = []
        local = r.random() < 0.3  # a provincial leader: central membership, then local posts
        titles = r.sample(self.NATIONAL, k=r.randint(1, 3))
        if local:
            titles = titles[:1] + [None] * r.randint(1, 2)
        for k, entry in enumerate(titles):
            if entry is None:
                b.add(", ")
                posts.append(self.post(b, P, W, avoid=getattr(self, "last_post", None))[0])
                continue
            title, body = entry
            if k:
                b.add(", " if r.random() < 0.8 else " kiêm ")
            pos = b.ent("POSITION", title)
            if body:
                b.add(" ")
                b.rel("OF", pos, b.ent("BODY", body))
            posts.append(pos)
        if not person:
            b.add(r.choice([": “Chuẩn bị nhân sự phải thật sự dân chủ, khách quan”", " chủ trì phiên họp"]))
            return None
        b.add(" ")
        if r.random() < 0.3:
            b.add(r.choice(["đồng chí ", "ông ", "bà "]))
        p, _ = self.person(b, honorific=False)
        for pos in posts:
            b.rel("HOLDS", p, pos)
        ending = r.choice([" chủ trì, phát biểu khai mạc hội nghị.", " dự và phát biểu chỉ đạo.",
                           " trao quyết định và tặng hoa chúc mừng.", None])
        if ending is None:  # an elliptical organ name is a BODY (SPEC.md)
            b.add(" làm việc với ")
            b.ent("BODY", "Ban Thường vụ")
            b.add(" về công tác cán bộ.")
        else:
            b.add(ending)
        return p

    def headline(self, b: Builder, P, W) -> None:
        """A headline that states a move, a dateline credit and a lead."""
        r = self.rng
        p, _ = self.person(b, capital=True)
        b.add(r.choice([" được bổ nhiệm làm ", " được điều động giữ chức ", " được bầu giữ chức ", " được luân chuyển làm "]))
        new, _ = self.post(b, P, W)
        b.rel("APPOINTED_TO", p, new)
        b.add("\n\n")
        if r.random() < 0.7:
            b.ent("BODY", r.choice(self.OUTLETS))
            b.add(r.choice([" - ", " – ", " -"]))
        b.add(r.choice(["Chiều ", "Sáng ", "Ngày "]) + self.date() + ", ")
        self.body(b, r.choice(["party_committee", "people_committee"]), P, W)
        b.add(" tổ chức hội nghị công bố và trao quyết định về công tác cán bộ.")

    # page widgets of news sites and section subheadings: capitalised common words that name nothing
    WIDGETS = ("Bình luận", "Gửi bình luận", "Viết bình luận", "Chia sẻ", "In bài viết", "Lưu tin", "Theo dõi",
               "Xem thêm", "Đọc tiếp", "Bình luận (0)", "Chia sẻ Facebook", "Từ khóa: công tác cán bộ, luân chuyển")
    SUBHEADINGS = ("Nâng cao chất lượng đội ngũ cán bộ", "Tạo nguồn cán bộ trẻ", "Thành công bước đầu",
                   "Hoàn thiện bộ máy", "Kỳ họp thứ mười", "Nhiều kết quả nổi bật", "Phát huy vai trò nêu gương",
                   "Quyết tâm hoàn thành nhiệm vụ", "Bài học kinh nghiệm", "Tiếp tục đổi mới", "Đổi mới công tác cán bộ",
                   "Những chuyển biến tích cực", "Kiên định mục tiêu", "Trọng dụng người tài", "Vững vàng bản lĩnh",
                   "Tăng cường kỷ luật, kỷ cương", "Sâu sát cơ sở", "An toàn, tiết kiệm", "Hài hòa lợi ích",
                   "Bình tĩnh, tự tin", "Đoàn kết, thống nhất", "Thanh niên tình nguyện", "Mạnh dạn đề xuất",
                   "Tâm huyết với nghề", "Hướng về cơ sở", "Phú quý không quên gốc", "Lắng nghe ý kiến nhân dân")

    def subheading(self, b: Builder, P, W) -> None:
        """A section subheading of common words, then a sentence with an official."""
        r = self.rng
        b.add(r.choice(self.SUBHEADINGS) + "\n\n")
        b.add(r.choice(["Theo ", "Phát biểu tại hội nghị, ", "Trao đổi với phóng viên, "]))
        p, _ = self.person(b, honorific=r.random() < 0.5)
        b.add(", ")
        held, _ = self.post(b, P, W)
        b.rel("HOLDS", p, held)
        b.add(r.choice([", công tác cán bộ là khâu then chốt.", " cho biết, tỉnh sẽ tiếp tục rà soát quy hoạch.",
                        ", cần đánh giá đúng cán bộ qua kết quả công việc."]))

    def related(self, b: Builder, P, W) -> None:
        """A related-news list: repeated headlines, each annotated on its own."""
        r = self.rng
        if r.random() < 0.5:  # the page's widgets before the list: no entities
            b.add(r.choice(self.WIDGETS) + "\n\n")
        b.add(r.choice(["Tin liên quan", "Tin Liên Quan", "Có thể bạn quan tâm", "Tin cùng chuyên mục", "TIN LIÊN QUAN",
                        "Đọc nhiều", "Tin mới nhất"]) + "\n")
        for _ in range(r.randint(2, 4)):
            k = r.randrange(4)
            if k == 0:
                b.ent("LOCALITY", r.choice([P[0], f"{W[0].capitalize()} {W[1]}"]))
                b.add(r.choice([" điều động, luân chuyển hàng loạt cán bộ về cơ sở", " công bố quyết định về công tác cán bộ",
                                " luân chuyển 20 cán bộ chủ chốt"]))
            elif k == 1:
                self.chain(b, P, W, person=r.random() < 0.7)
            elif k == 2:
                b.add(r.choice(["Bổ nhiệm ", "Điều động ", "Luân chuyển "]))
                p, _ = self.person(b)
                b.add(r.choice([" làm ", " giữ chức "]))
                new, _ = self.post(b, P, W)
                b.rel("APPOINTED_TO", p, new)
            else:
                b.add(r.choice(["Kiện toàn nhân sự ", "Công bố quyết định nhân sự ", "Giới thiệu nhân sự "]))
                self.body(b, r.choice(self.kinds()), P, W)
            b.add("\n")

    def interview(self, b: Builder, P, W) -> None:
        """An interview: the lead names the post, speaker labels carry no relation."""
        r = self.rng
        b.add(r.choice(["Phóng viên ", "PV "]))
        b.ent("BODY", r.choice(self.OUTLETS[:6]))
        b.add(" đã phỏng vấn ")
        name, hon = self.name()
        b.add(hon + " ")
        p = b.ent("PERSON", name)
        b.add(", ")
        held, _ = self.post(b, P, W)
        b.rel("HOLDS", p, held)
        b.add(f" về công tác luân chuyển cán bộ.\nPV: Xin {hon} cho biết kết quả thực hiện công tác luân chuyển thời gian qua?\n")
        b.add(r.choice([hon.capitalize() + " ", ""]))
        b.ent("PERSON", name)
        b.add(f": Vừa rồi, tỉnh đã điều động {r.randint(5, 60)} cán bộ về cơ sở, trong đó có các đồng chí "
              "giữ chức vụ chủ chốt. Những cán bộ này đều được ")
        b.ent("BODY", self.spelling(r.choice(["Ban Thường vụ Tỉnh ủy", "Tỉnh ủy", "Thường trực Tỉnh ủy"])))
        b.add(" lựa chọn kỹ.")

    def reception(self, b: Builder, P, W) -> None:
        """Tiếp nhận: a cadre received from elsewhere, with a destination body."""
        r = self.rng
        self.body(b, r.choice(["people_committee", "party_committee"]), P, W)
        b.add(r.choice([" đã tiếp nhận ", " quyết định tiếp nhận "]))
        p, _ = self.person(b)
        b.add(", ")
        held, _ = self.post(b, P, W)
        b.rel("HOLDS", p, held)
        b.add(r.choice([", về công tác tại ", ", đến nhận công tác tại "]))
        dest = self.body(b, r.choice([k for k in ("department", "party_board", "district_office") if k in self.kinds()]), P, W)
        b.rel("TRANSFERRED_TO", p, dest)
        b.add(".")

    def credit(self, b: Builder, P, W) -> None:
        """End-of-article credits: a byline in capitals, 'Theo X/Outlet', a photo credit."""
        r = self.rng
        k = r.randrange(3)
        if k == 0:
            name = self.name()[0].split()
            b.ent("PERSON", (f"{name[-2][0]}. {name[-1]}" if r.random() < 0.6 else " ".join(name[-2:])).upper())
        elif k == 1:
            b.add("Theo ")
            b.ent("PERSON", self.name()[0])
            b.add("/")
            b.ent("BODY", r.choice(self.OUTLETS))
        else:
            b.add("(Ảnh: ")
            if r.random() < 0.5:
                b.ent("PERSON", self.name()[0])
            else:
                self.body(b, "press", P, W)
            b.add(")")

    def generic(self, b: Builder, P, W) -> None:
        """Generic nouns that are not entities beside the Party and the central level that are."""
        r = self.rng
        b.add(r.choice(["Công tác luân chuyển cán bộ góp phần xây dựng ", "Đây là chủ trương lớn của "]))
        b.ent("BODY", "Đảng")
        b.add(r.choice([" và hệ thống chính trị trong sạch, vững mạnh. ", ", thể hiện trách nhiệm của các cấp ủy, tổ chức đảng. "]))
        b.add(r.choice(["Các cấp ủy đảng, chính quyền địa phương ", "Đảng bộ các tỉnh, thành phố ", "Các cơ quan Đảng, khối Đảng "]))
        b.add(r.choice(["cần thực hiện nghiêm hướng dẫn của ", "đã quán triệt chỉ đạo của "]))
        b.ent("BODY", r.choice(["Trung ương", "trung ương"]))
        b.add(r.choice([" về công tác cán bộ", ", nhất là đối với cán bộ diện "]))
        if r.random() < 0.5:
            b.add(", nhất là ở ")
            b.ent("LOCALITY", r.choice(["miền Trung", "Tây Nguyên", "Tây Bắc", "Đồng bằng sông Cửu Long", "miền núi phía Bắc"]))
        b.add(r.choice([". Đại hội Đảng các cấp sẽ diễn ra trong năm tới.", "; tổ chức cơ sở Đảng được củng cố.", "."]))
        k = r.randrange(3)
        if k == 0:  # an election: the title is a POSITION, "HĐND các cấp" names no body
            b.add(r.choice([" Cuộc bầu cử ", " Công tác chuẩn bị bầu cử ", " Ngày bầu cử "]))
            d1 = b.ent("POSITION", "đại biểu")
            b.add(" ")
            b.rel("OF", d1, b.ent("BODY", "Quốc hội"))
            b.add(" và ")
            b.ent("POSITION", "đại biểu")
            b.add(r.choice([" HĐND các cấp", " Hội đồng nhân dân các cấp"]) + f" nhiệm kỳ {r.choice(['2021 - 2026', '2026 - 2031'])} "
                  + r.choice(["đã diễn ra thành công.", "được triển khai đúng luật.", "đã khép lại."]))
        elif k == 1:  # a policy: posts of unnamed or generic units
            b.add(" Tỉnh tiếp tục bố trí ")
            b.ent("POSITION", "bí thư")
            b.add(" cấp ủy, ")
            c = b.ent("POSITION", "chủ tịch")
            b.add(" ")
            b.rel("OF", c, b.ent("BODY", r.choice(["UBND cấp tỉnh", "UBND cấp xã", "UBND"])))
            b.add(" không là người địa phương.")
        else:
            b.add(r.choice([" Mô hình chính quyền địa phương hai cấp đã vận hành ổn định.",
                            " Các huyện, thành phố trong toàn tỉnh đã hoàn thành việc sắp xếp.",
                            " Cán bộ toàn Thành phố được quán triệt đầy đủ."]))


    # -- forms of the wider state: approvals, vote lists, ranks, courts, enterprises (issue 13) --------
    RANKS = ("Thiếu tướng", "Trung tướng", "Đại tá", "Thượng tá", "Trung tá")
    DOMAINS = ("court", "procuracy", "army", "police", "police_dept", "enterprise", "board", "bank", "hospital",
               "university", "university_board", "press", "audit", "government_inspection", "military")

    def _old_post(self, b: Builder, p: int, P, W) -> None:
        held, _ = self.post(b, P, W)
        b.rel("HOLDS", p, held)

    def approval(self, b: Builder, P, W) -> None:
        """'Thủ tướng phê chuẩn kết quả bầu chức vụ X đối với ông A, ..., và ông B': the post far before the
        people, shared by each of them; the trigger is 'phê chuẩn' (OTHER), 'bầu' governs no one here."""
        r = self.rng
        pm = b.ent("POSITION", "Thủ tướng")
        if r.random() < 0.5:
            b.add(" ")
            b.rel("OF", pm, b.ent("BODY", "Chính phủ"))
        b.add(r.choice([" vừa ký quyết định ", " đã ", " ban hành Quyết định số " + str(r.randint(100, 2000)) + "/QĐ-TTg "]))
        b.trig(r.choice(["phê chuẩn", "phê chuẩn", "phê duyệt"]), "OTHER")
        b.add(" kết quả ")
        b.hush("bầu")
        b.add(r.choice([" chức vụ ", " bổ sung chức vụ ", " "]))
        new = b.ent("POSITION", r.choice(["Phó Chủ tịch", "Phó Chủ tịch", "Chủ tịch"]))
        b.add(" ")
        body = self.body(b, "people_committee", P, W)
        b.rel("OF", new, body)
        b.add(" nhiệm kỳ " + r.choice(["2021 - 2026", "2021-2026", "2026 - 2031"]) + " đối với ")
        for i in range(r.choice([1, 1, 2, 3])):
            if i:
                b.add(r.choice([", ", "; "]))
            p, _ = self.person(b)
            b.add(", ")
            self._old_post(b, p, P, W)
            b.rel("APPOINTED_TO", p, new)
        b.add(".")

    def assembly(self, b: Builder, P, W) -> None:
        """Quốc hội elects a national post: 'Quốc hội bầu ông A giữ chức X' or '... bầu X đối với bà B'."""
        r = self.rng
        b.ent("BODY", "Quốc hội")
        b.add(r.choice([" đã ", " chiều nay ", " "]))
        b.trig(r.choice(["bầu", "tiến hành bầu"]) if r.random() < 0.8 else "tái cử", "BAU")
        title, body = r.choice((("Phó Thủ tướng", "Chính phủ"), ("Phó Chủ tịch", "Quốc hội"), ("Tổng Thư ký", "Quốc hội"),
                                ("Chủ nhiệm", "Ủy ban Kinh tế và Tài chính"), ("Chủ nhiệm", "Ủy ban Pháp luật và Tư pháp"),
                                ("Tổng", "Kiểm toán Nhà nước"), ("Chánh án", "Tòa án nhân dân tối cao"),
                                ("Viện trưởng", "Viện Kiểm sát nhân dân tối cao"), ("Chủ tịch", "Hội đồng Dân tộc")))
        if r.random() < 0.5:
            b.add(" chức " if r.random() < 0.5 else " ")
            new = b.ent("POSITION", title)
            b.add(" ")
            b.rel("OF", new, b.ent("BODY", body))
            b.add(" đối với ")
            p, _ = self.person(b)
            b.add(", ")
            self._old_post(b, p, P, W)
        else:
            b.add(" ")
            p, _ = self.person(b)
            b.add(", ")
            self._old_post(b, p, P, W)
            b.add(r.choice([", giữ chức ", ", làm "]))
            new = b.ent("POSITION", title)
            b.add(" ")
            b.rel("OF", new, b.ent("BODY", body))
        b.rel("APPOINTED_TO", p, new)
        b.add(f" với {r.randint(400, 480)}/{r.randint(481, 490)} đại biểu tán thành.")

    def votes(self, b: Builder, P, W) -> None:
        """One post, several people elected, each with a vote count, in one sentence."""
        r = self.rng
        self.body(b, "council", P, W)
        b.add(" đã ")
        b.trig("bầu", "BAU")
        b.add(r.choice([" các ông, bà sau giữ chức ", " bổ sung chức danh "]))
        new = b.ent("POSITION", r.choice(["Ủy viên", "Phó Chủ tịch", "Ủy viên"]))
        b.add(" ")
        body = self.body(b, "people_committee", P, W)
        b.rel("OF", new, body)
        b.add(": ")
        n = r.randint(2, 4)
        for i in range(n):
            if i:
                b.add("; " if r.random() < 0.7 else ", ")
            p, _ = self.person(b, honorific=r.random() < 0.8)
            if r.random() < 0.6:
                b.add(", ")
                self._old_post(b, p, P, W)
            total = r.randint(40, 90)
            yes = r.randint(total * 8 // 10, total)
            b.add(f" ({yes}/{total} phiếu, đạt {100 * yes / total:.2f}%)".replace(".", ","))
            b.rel("APPOINTED_TO", p, new)
        b.add(".")

    def rank_move(self, b: Builder, P, W) -> None:
        """Ranks before names are no part of them: 'bổ nhiệm Thiếu tướng [A] giữ chức [Phó Tư lệnh] [Quân khu 7]'."""
        r = self.rng
        kind = r.choice(["army", "police", "military", "police_dept"])
        if r.random() < 0.5:
            who = b.ent("POSITION", r.choice(["Bộ trưởng", "Thứ trưởng"]))
            b.add(" ")
            b.rel("OF", who, b.ent("BODY", "Bộ Quốc phòng" if kind in ("army", "military") else "Bộ Công an"))
        else:
            b.ent("POSITION", "Thủ tướng")
        b.add(r.choice([" đã ký quyết định ", " trao quyết định ", " "]))
        verb, cls = r.choice((("bổ nhiệm", "BO_NHIEM"), ("điều động", "DIEU_DONG"), ("điều động, bổ nhiệm", "DIEU_DONG")))
        first = verb.split(",")[0]
        b.trig(first, cls)
        b.add(verb[len(first):] + " " + r.choice(self.RANKS) + " ")
        p, _ = self.person(b, honorific=False)
        b.add(", ")
        self._old_post(b, p, P, W) if r.random() < 0.3 else self._held_in(b, p, kind, P, W)
        b.add(r.choice([", giữ chức ", ", làm ", " giữ chức "]))
        new, _ = self.post(b, P, W, kind=kind, avoid=self.last_post)
        b.rel("APPOINTED_TO", p, new)
        if r.random() < 0.4:
            b.add(". Dịp này, ông cũng được thăng cấp bậc hàm từ " + r.choice(self.RANKS[2:]) + " lên "
                  + r.choice(self.RANKS[:2]))
        b.add(".")

    def _held_in(self, b: Builder, p: int, kind: str, P, W) -> None:
        held, _ = self.post(b, P, W, kind=kind)
        b.rel("HOLDS", p, held)

    def domain(self, b: Builder, P, W) -> None:
        """An appointment outside the Party and provincial apparatus: courts, procuracy, enterprises, banks,
        hospitals, universities, press, audit and inspection."""
        r = self.rng
        kind = r.choice([k for k in self.DOMAINS if k in self.kinds()])
        b.add(r.choice(["Ngày ", "Sáng ", "Chiều "]) + self.date() + ", ")
        verb, cls = r.choice((("bổ nhiệm", "BO_NHIEM"), ("bổ nhiệm lại", "BO_NHIEM"), ("điều động", "DIEU_DONG"),
                              ("giao quyền", "OTHER"), ("chuẩn y", "OTHER"), ("luân chuyển", "LUAN_CHUYEN")))
        lead = r.randrange(3)
        if lead == 0:
            b.add("lãnh đạo ")
            self.body(b, kind if kind not in ("board", "university_board") else "ministry", P, W)
            b.add(" đã công bố quyết định ")
        elif lead == 1:
            b.add("tại hội nghị, đại diện ")
            self.body(b, r.choice(["ministry", "party_board"]), P, W)
            b.add(" trao quyết định ")
        else:
            b.add(r.choice(["theo quyết định vừa ban hành, cấp có thẩm quyền đã ", "cơ quan chủ quản đã "]))
        word = verb.split()[0] + " " + verb.split()[1]
        b.trig(word, cls)
        b.add(verb[len(word):] + " ")
        p, _ = self.person(b)
        b.add(", ")
        if r.random() < 0.5:
            self._held_in(b, p, kind, P, W)
        else:
            self._old_post(b, p, P, W)
        b.add(r.choice([", giữ chức ", ", làm ", " giữ chức ", " làm "]))
        new, _ = self.post(b, P, W, kind=kind, avoid=self.last_post)
        b.rel("APPOINTED_TO", p, new)
        b.add(r.choice([".", " kể từ ngày " + self.date() + ".", ", thời hạn 5 năm."]))

    def titled_list(self, b: Builder, P, W) -> None:
        """'ba giám đốc sở được bổ nhiệm mới là: giám đốc Sở X [A]; ...': the title before each name."""
        r = self.rng
        n = r.randint(2, 4)
        b.add({2: "Hai", 3: "Ba", 4: "Bốn"}[n] + r.choice([" giám đốc sở", " lãnh đạo sở"]) + " được ")
        b.trig("bổ nhiệm", "BO_NHIEM")
        b.add(" mới là: ")
        for i in range(n):
            if i:
                b.add("; " if i < n - 1 or r.random() < 0.5 else " và ")
            new, _ = self.post(b, P, W, kind="department", lower=True)
            b.add(" ")
            p, _ = self.person(b, honorific=False)
            b.rel("APPOINTED_TO", p, new)
        b.add(".")

    def pair_destination(self, b: Builder, P, W) -> None:
        """Two people moved by one trigger to one destination."""
        r = self.rng
        b.ent("BODY", r.choice(["Bộ Chính trị", "Ban Bí thư", "Ban Thường vụ Tỉnh ủy"]))
        b.add(" ")
        verb, cls = r.choice((("điều động", "DIEU_DONG"), ("luân chuyển", "LUAN_CHUYEN"), ("phân công", "PHAN_CONG")))
        b.trig(verb, cls)
        b.add(" ")
        people = []
        for i in range(2):
            if i:
                b.add(r.choice([", và ", " và "]))
            p, _ = self.person(b)
            b.add(", ")
            self._old_post(b, p, P, W)
            people.append(p)
        b.add(r.choice([", về công tác tại ", ", đến nhận công tác tại ", ", về "]))
        dest = self.body(b, r.choice(["party_board", "ministry", "department"]), P, W)
        for p in people:
            b.rel("TRANSFERRED_TO", p, dest)
        b.add(".")

    COUNTRIES = ("Nhật Bản", "Hàn Quốc", "Trung Quốc", "Lào", "Campuchia", "Hoa Kỳ", "Pháp", "Đức", "Australia",
                 "Singapore", "Thái Lan", "Ấn Độ", "Liên bang Nga", "Cuba", "Italy", "Canada", "New Zealand")
    ENVOYS = ("Đại sứ", "Đại sứ", "Tổng Lãnh sự", "Lãnh sự", "Đại sứ đặc mệnh toàn quyền", "Tham tán Công sứ")

    def _host(self, b: Builder, P, W) -> int:
        """A leader who hosts a meeting: title, body, name (HOLDS and OF, no move)."""
        r = self.rng
        if r.random() < 0.3:
            title, body = r.choice((("Thủ tướng", None), ("Chủ tịch nước", None), ("Phó Thủ tướng", None),
                                    ("Chủ tịch", "Quốc hội"), ("Bộ trưởng", "Bộ Ngoại giao"), ("Thứ trưởng", "Bộ Công Thương")))
            pos = b.ent("POSITION", title)
            if body:
                b.add(" ")
                b.rel("OF", pos, b.ent("BODY", body))
        else:
            pos, _ = self.post(b, P, W, kind=r.choice([k for k in ("people_committee", "party_committee", "council")
                                                       if k in self.kinds()]))
        b.add(" ")
        p, _ = self.person(b, honorific=False)
        b.rel("HOLDS", p, pos)
        return p

    def courtesy(self, b: Builder, P, W) -> None:
        """A reception, a call or a working visit: everyone named HOLDS a post, nobody moves ("tiếp Đại sứ
        Nhật Bản" appoints no one; a country beside an envoy's title is a LOCALITY with no relation)."""
        r = self.rng
        if r.random() < 0.6:
            b.add(r.choice(["Sáng ", "Chiều ", "Ngày "]) + self.date() + r.choice([", tại trụ sở ", ", tại "]))
            self.body(b, r.choice([k for k in ("people_committee", "party_committee") if k in self.kinds()]), P, W)
            b.add(", ")
        self._host(b, P, W)
        b.add(" " + r.choice(["đã tiếp", "tiếp", "có buổi tiếp", "đã hội kiến", "hội đàm với", "làm việc với",
                             "tiếp xã giao", "tiếp và làm việc với", "điện đàm với"]) + " ")
        if r.random() < 0.65:
            b.add(r.choice(["Ngài ", "ông ", "bà ", ""]))
            envoy = b.ent("POSITION", r.choice(self.ENVOYS))
            b.add(" ")
            b.ent("LOCALITY", r.choice(self.COUNTRIES))
            stationed = r.random() < 0.5
            if stationed:
                b.add(" tại ")
                b.ent("LOCALITY", r.choice(["Việt Nam", "Việt Nam", "Thành phố Hồ Chí Minh", "Đà Nẵng"]))
            if r.random() < 0.7:
                b.add(" ")
                guest, _ = self.person(b, honorific=False)
                b.rel("HOLDS", guest, envoy)
            if r.random() < 0.4:
                b.add(" nhân dịp " + r.choice(["chào xã giao", "kết thúc nhiệm kỳ công tác", "nhận nhiệm vụ mới",
                                                "trình quốc thư"]))
            if not stationed:
                b.add(r.choice([" tại ", " ở "]))
                b.ent("LOCALITY", r.choice([P[0], "Hà Nội", "Hà Nội"]))
        else:
            b.add("đoàn công tác của ")
            self.body(b, r.choice([k for k in ("ministry", "party_board", "department") if k in self.kinds()]), P, W)
            b.add(" do ")
            guest, _ = self.person(b)
            b.add(", ")
            self._old_post(b, guest, P, W)
            b.add(", làm trưởng đoàn")
        b.add(r.choice([".", " về tình hình hợp tác giữa hai bên.", " và trao đổi về công tác cán bộ, luân chuyển cán bộ của địa phương."]))

    def short_mention(self, b: Builder, P, W) -> None:
        """A person named in full, then by the given name alone ("ông [An]", SPEC.md: a short mention is a
        PERSON); the sentence that states the move carries it on the mention there, short or not."""
        r = self.rng
        name, hon = self.name()
        b.add(hon.capitalize() + " ")
        p = b.ent("PERSON", name)
        paren = r.random() < 0.5
        b.add((" (sinh năm " if paren else " sinh năm ") + str(r.randint(1966, 1985)) + ", quê ")
        b.ent("LOCALITY", r.choice(self.lex["provinces"])[0])
        b.add("). " if paren else ". ")
        short = name.split()[-1]
        b.add(r.choice([hon.capitalize(), "Đồng chí"]) + " ")
        again = b.ent("PERSON", short)
        if r.random() < 0.5:
            b.add(r.choice([" giữ chức ", " từng giữ chức ", " là ", " hiện là "]))
            self._old_post(b, again, P, W)
            b.add(r.choice([".", " từ năm " + str(r.randint(2015, 2024)) + "."]))
        else:
            b.add(r.choice([", ", " "]))
            if r.random() < 0.5:
                b.add("nguyên ")
                self._old_post(b, again, P, W)
                b.add(", ")
            b.add("được ")
            verb, cls = r.choice((("bổ nhiệm", "BO_NHIEM"), ("điều động", "DIEU_DONG"), ("bầu", "BAU"),
                                  ("luân chuyển", "LUAN_CHUYEN"), ("chỉ định", "CHI_DINH")))
            b.trig(verb, cls)
            b.add(r.choice([" giữ chức ", " làm ", " "]))
            new, _ = self.post(b, P, W)
            b.rel("APPOINTED_TO", again, new)
            b.add(".")

    def departure(self, b: Builder, P, W) -> None:
        """Retirement, resignation, discipline: the person HOLDS the post they leave; no move."""
        r = self.rng
        p, _ = self.person(b, capital=True)
        b.add(", ")
        self._old_post(b, p, P, W)
        b.add(", " + r.choice(["nghỉ hưu theo chế độ từ ngày " + self.date(), "bị kỷ luật bằng hình thức cảnh cáo",
                               "bị cách chức", "xin thôi giữ chức vụ vì lý do sức khỏe", "đã từ trần",
                               "được cho thôi giữ chức để nghỉ hưu", "bị khởi tố để điều tra"]) + ".")

    def nomination(self, b: Builder, P, W) -> None:
        """A nomination (GIOI_THIEU): a collective organ "giới thiệu" a person "để [HĐND] bầu giữ chức [post]"; the
        person is APPOINTED_TO the post nominated for, and the "bầu" of the purpose clause is no trigger of its own."""
        r = self.rng
        level = r.choice(["province", "commune"] + (["district"] if self.district else []))
        if r.random() < 0.6:
            self.body(b, "party_committee", P, W, prefix=r.choice(["Ban Thường vụ ", "Thường trực "]), level=level)
        else:
            self.body(b, "council", P, W, prefix="Thường trực ", level=level)
        b.add(r.choice([" ", " đã thống nhất ", " đã ", " quyết định "]))
        b.trig("giới thiệu", "GIOI_THIEU")
        b.add(r.choice([" ", " nhân sự là ", " "]))
        p, _ = self.person(b)
        b.add(", ")
        self._old_post(b, p, P, W)
        b.add(r.choice([", để ", " để ", ", để "]))
        self.body(b, "council", P, W, level=level)
        b.add(" ")
        b.hush("bầu")
        b.add(r.choice([" giữ chức ", " bổ sung chức ", " bổ sung chức danh ", " "]))
        new = b.ent("POSITION", r.choice(["Chủ tịch", "Phó Chủ tịch", "Phó Chủ tịch"]))
        b.add(" ")
        body = self.body(b, "people_committee", P, W, level=level)
        b.rel("OF", new, body)
        b.rel("APPOINTED_TO", p, new)
        b.add(" nhiệm kỳ " + r.choice(["2021 - 2026", "2021-2026", "2026 - 2031"]) + ".")

    FORMS = ("announcement", "listing", "central", "election", "destination", "statistics", "caption",
             "chain", "headline", "related", "interview", "reception", "credit", "generic", "subheading", "merger",
             "approval", "assembly", "votes", "rank_move", "domain", "titled_list", "pair_destination",
             "courtesy", "short_mention", "departure", "nomination")

    def document(self, n: int) -> Document:
        r = self.rng
        if r.random() < 0.5:  # written before the 1 July 2025 merger: old provinces, districts, communes
            self.district = r.choice(self.lex["legacy"]["districts"])
            province = self.district[2]
            P = next((p for p in self.lex["legacy"]["provinces"] if p[0] == province), (province, "tỉnh"))
            W = r.choice(self.lex["legacy"]["communes"][self.district])
            era = "before-2025"
        else:
            self.district = None
            P = r.choice(self.lex["provinces"])
            W = r.choice(self.lex["wards"])
            era = "after-2025"
        b = Builder(nfd=r.random() < 0.1)
        if r.random() < 0.7:
            b.add(r.choice(["Công bố quyết định về công tác cán bộ", "Điều động, bổ nhiệm cán bộ chủ chốt",
                            "Luân chuyển cán bộ về cơ sở"]) + "\n\n")
        forms = r.sample(self.FORMS, k=r.randint(2, 5))
        if "headline" in forms:  # a headline opens the document
            forms.remove("headline")
            forms.insert(0, "headline")
        for form in forms:
            if form in ("related", "credit") and b.parts and not b.parts[-1].endswith("\n"):
                b.add("\n\n")
            if form == "chain":
                self.chain(b, P, W)
            else:
                getattr(self, form)(b, P, W)
            b.add("\n\n" if r.random() < 0.6 else " ")
        return b.document(f"gen-{n:05d}", {"source": "generated", "generator_seed": None, "forms": forms, "era": era})


def generate(n: int, seed: int = 0) -> list[Document]:
    g = Generator(seed)
    docs = []
    for i in range(n):
        d = g.document(i)
        docs.append(Document(d.id, d.text, d.entities, d.relations, d.events, meta={**d.meta, "generator_seed": seed}))
    return docs
