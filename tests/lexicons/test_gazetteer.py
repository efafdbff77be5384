"""Gazetteer hints come from registries and lexicons and read both tone-mark spellings."""
from __future__ import annotations

from vntransfer.lexicons.gazetteer import features


def _parts(value):
    return value // 18, value // 6 % 3, value // 2 % 3, value % 2  # place, title, body, surname


def test_registry_places_titles_bodies_and_surnames_are_marked():
    words = "Bí thư Tỉnh ủy Nguyễn Văn An về xã Mường Hum , huyện Mường Khương".split()
    f = [_parts(v) for v in features(words)]
    assert [x[1] for x in f[:2]] == [1, 2]  # Bí thư: a title
    assert f[2][2] == 1 and f[3][2] == 2  # Tỉnh ủy: a body
    assert f[4][3] == 1 and f[5][3] == 0  # Nguyễn opens a capitalised run
    assert [x[0] for x in f[9:11]] == [1, 2]  # Mường Hum (a commune before the 2025 merger)
    assert [x[0] for x in f[13:15]] == [1, 2]  # Mường Khương (a district)


def test_places_need_capitals_and_both_spellings_match():
    assert _parts(features(["an", "giang"])[0])[0] == 0
    assert _parts(features(["An", "Giang"])[0])[0] == 1
    assert features("Tỉnh uỷ Thanh Hoá".split()) == features("Tỉnh ủy Thanh Hóa".split())
    # a surname alone (no capitalised word after it) is no name
    assert _parts(features(["Nguyễn", "và"])[0])[3] == 0
