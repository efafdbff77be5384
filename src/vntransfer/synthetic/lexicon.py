"""What the generator draws from: the lexicons and unit registries (read by `vntransfer.lexicons.registry`),
arranged for sampling (weighted name parts, posts and bodies by kind, provinces and wards)."""
from __future__ import annotations

from functools import lru_cache

from ..lexicons.registry import legacy_units, read_tsv

DISTRICT_COMMITTEE = {"huyện": "Huyện ủy", "quận": "Quận ủy", "thị xã": "Thị ủy", "thành phố": "Thành ủy"}


@lru_cache(maxsize=1)
def lexicons() -> dict:
    import vietnam_provinces as vp

    provinces = [(p.name.removeprefix("Thành phố "), "thành phố" if p.name.startswith("Thành phố") else "tỉnh")
                 for p in vp.Province.iter_all()]
    wards = [(w.division_type.value, " ".join(w.name.split()[len(w.division_type.value.split()):]))
             for w in vp.Ward.iter_all() if " " in w.name.strip()]
    positions: dict[str, list[str]] = {}
    for title, kind in read_tsv("positions.tsv"):
        positions.setdefault(kind, []).append(title)
    bodies: dict[str, list[tuple[str, str]]] = {}
    for kind, name, level in read_tsv("bodies.tsv"):
        bodies.setdefault(kind, []).append((name, level))
    return {
        "surnames": [(s, int(w)) for s, w in read_tsv("surnames.tsv")],
        "middles": [(s, int(w)) for s, w in read_tsv("middle_names.tsv")],
        "givens": [(s, int(w)) for s, w in read_tsv("given_names.tsv")],
        "provinces": provinces, "wards": wards, "positions": positions, "bodies": bodies,
        "legacy": legacy_units(),
    }
