"""Decisions that move people: announcements, lists, central cadres sent to provinces, destinations,
receptions, ranks, posts outside the provincial apparatus, title-before-name lists, pairs sent together."""
from __future__ import annotations

from ..builder import Builder
from ..pieces import Pieces


class DecisionForms(Pieces):
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

    RANKS = ("Thiếu tướng", "Trung tướng", "Đại tá", "Thượng tá", "Trung tá")
    DOMAINS = ("court", "procuracy", "army", "police", "police_dept", "enterprise", "board", "bank", "hospital",
               "university", "university_board", "press", "audit", "government_inspection", "military")

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
