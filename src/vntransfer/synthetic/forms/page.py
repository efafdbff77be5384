"""The rest of a news page: headlines, title chains, subheadings, related news, interviews, captions,
credits, statistics, merged units and generic nouns (mostly no move)."""
from __future__ import annotations

from typing import Optional

from ..builder import Builder
from ...lexicons.registry import national_titles
from ..pieces import Pieces


class PageForms(Pieces):
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

    OUTLETS = ("VOV.VN", "VTV.vn", "TTXVN", "Dân trí", "VnExpress", "Báo Nhân Dân", "Báo Lao Động", "VietNamNet",
               "Tuổi Trẻ", "Thanh Niên", "Báo Tin tức", "Báo Chính phủ", "LCĐT", "QĐND", "CAND")

    def chain(self, b: Builder, P, W, person: bool = True) -> Optional[int]:
        """'Ủy viên Bộ Chính trị, Tổng Bí thư Nguyễn Văn A chủ trì hội nghị': titles before the name, each
        held by the person (a title with no person after it holds nothing)."""
        r = self.rng
        posts = []
        local = r.random() < 0.3  # a provincial leader: central membership, then local posts
        titles = r.sample(national_titles(), k=r.randint(1, 3))  # lexicons/national_titles.tsv
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
