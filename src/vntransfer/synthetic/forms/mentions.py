"""People named with their posts and no move: courtesy calls and visits, short mentions, departures."""
from __future__ import annotations

from ..builder import Builder
from ..pieces import Pieces


class MentionForms(Pieces):
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
        b.ent("PERSON", name)
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
