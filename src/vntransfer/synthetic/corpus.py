"""The generator's entry point: a seeded corpus of annotated transfer news (SPEC.md JSON), for training only.

Documents are assembled from forms that real transfer news takes (decision announcements, lists,
headlines and leads, central cadres rotated to provinces, elections, receptions, assignments,
captions and related-news lists, statistics without events). Names come from the name lexicons,
posts and bodies from `lexicons/positions.tsv` and `bodies.tsv`, places from the `vietnam-provinces`
registry (after the 2025 merger) and from vietnamadminunits as shipped in underthesea.address (before it:
63 provinces, their districts and communes). Spans are recorded while the text is built, so the
annotation is exact by construction; events are assembled by the same code the model uses and every document is validated.
"""
from __future__ import annotations

from ..annotation.document import Document
from .builder import Builder
from .forms.decisions import DecisionForms
from .forms.elections import ElectionForms
from .forms.mentions import MentionForms
from .forms.page import PageForms


class Generator(DecisionForms, ElectionForms, PageForms, MentionForms):
    """Documents of 2-5 forms each, in one era (before or after the 2025 merger); `seed` fixes them all."""

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
