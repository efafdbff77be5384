"""Readers of the lexicon files beside this module and of the registries of administrative units.

Every list the project draws names from is read here, once: the name, post and body lexicons (`*.tsv`,
see README.md), the national titles, the administrative words, and the unit registries (after the 2025
merger: `vietnam-provinces`; before it: vietnamadminunits as shipped in `underthesea.address`). The
generator, the gazetteer features and the lexicon baseline all read them from here; nothing here imports
any of them.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Optional

from ..text.normalize import collapse_spaces

#: administrative levels of `admin_words.tsv`
LEVELS = ("province", "district", "commune", "special_zone", "village")


def read_tsv(name: str) -> list[list[str]]:
    """Rows of a lexicon file (tab-separated; blank lines and `#` comments skipped)."""
    text = resources.files("vntransfer.lexicons").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=None)
def admin_words(levels: tuple[str, ...] = LEVELS, abbreviations: bool = True) -> tuple[str, ...]:
    """The administrative words of these `levels` ("tỉnh", "thị xã", ...; with `abbreviations`, also "TP.",
    "TP" as written), in the order of admin_words.tsv, each once."""
    unknown = set(levels) - set(LEVELS)
    if unknown:
        raise ValueError(f"unknown levels {sorted(unknown)}; one of {', '.join(LEVELS)}")
    words = [w for w, level, form in read_tsv("admin_words.tsv")
             if level in levels and (abbreviations or form == "word")]
    return tuple(dict.fromkeys(words))


#: kinds of unit in the registries before the 2025 merger, as their names begin ("Thị xã Sa Pa")
PROVINCE_WORDS = ("province",)
DISTRICT_WORDS = ("district",)
COMMUNE_WORDS = ("commune",)


@lru_cache(maxsize=1)
def national_titles() -> tuple[tuple[str, Optional[str]], ...]:
    """(title, body or None) of the national titles written before a name (national_titles.tsv)."""
    return tuple((title, None if body == "-" else body) for title, body in read_tsv("national_titles.tsv"))


def split_unit(full: str, words: tuple[str, ...]) -> Optional[tuple[str, str]]:
    """"Thị xã Sa Pa" -> ("thị xã", "Sa Pa"); None for a name without a known admin word."""
    full = collapse_spaces(full)  # registries carry doubled spaces ("Phường  Thành Nhất")
    for w in words:
        if full.lower().startswith(w + " ") and len(full) > len(w) + 1:
            return w, full[len(w) + 1:]
    return None


def legacy_units() -> dict:
    """Units before the 1 July 2025 merger (63 provinces, ~700 districts, ~10,000 communes), from the
    vietnamadminunits registry that underthesea ships with its address converter (underthesea.address).
    Returns provinces [(name, admin word)], districts [(admin word, name, province name)] and communes by
    district."""
    try:
        raw = resources.files("underthesea.address").joinpath("data", "mapping.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise RuntimeError(f"the pre-2025 unit registry ships with underthesea>=9.5 (underthesea.address): {exc}") from None
    data = json.loads(raw)
    provinces = [(p["short"], "thành phố" if p["name"].startswith("Thành phố") else "tỉnh")
                 for p in data["old_province_names"].values()]
    districts: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    district_words = admin_words(DISTRICT_WORDS, abbreviations=False)
    commune_words = admin_words(COMMUNE_WORDS, abbreviations=False)
    province_words = admin_words(PROVINCE_WORDS, abbreviations=False)
    for row in data["ward_mapping"]:
        d = split_unit(row["old_district"], district_words)
        w = split_unit(row["old_ward"], commune_words)
        prov = split_unit(row["old_province"], province_words)
        if d and w and prov:
            districts.setdefault((d[0], d[1], prov[1]), []).append(w)
    return {"provinces": provinces, "districts": sorted(districts), "communes": districts,
            "source": f"{data['metadata']['source']} {data['metadata']['version']} (via underthesea.address)"}
