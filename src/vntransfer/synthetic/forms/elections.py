"""Elections and their approval: votes of councils and Quốc hội, vote lists, approvals, nominations."""
from __future__ import annotations

from ..builder import Builder
from ..pieces import Pieces


class ElectionForms(Pieces):
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
