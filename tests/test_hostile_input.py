"""Property test: for any str, predict never raises and every entity's text is its slice of the input."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vntransfer.pipeline import load

from .conftest import ROOT

EXTRACTOR = None

VIETNAMESE = "Ban Thường vụ Tỉnh ủy điều động ông Nguyễn Văn An, Phó Giám đốc Sở Y tế tỉnh Lào Cai."
pieces = st.one_of(
    st.text(),                                                        # arbitrary unicode, controls included
    st.sampled_from([VIETNAMESE, unicodedata.normalize("NFD", VIETNAMESE), "Uỷ ban", "Ủy ban", "TP.HCM", "3/2022"]),
    st.sampled_from(["\u200d", "\u200b", "\ufeff", "👩‍👩‍👧", "\x00", "\r\n", "\u0301", "...", "—", "\t"]),
)


def extractor():
    global EXTRACTOR
    if EXTRACTOR is None:
        EXTRACTOR = load(ROOT / "models" / "default")
    return EXTRACTOR


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, max_size=8).map("".join))
@example("")
@example("!?.,;:" * 50)
@example(VIETNAMESE * 3 + "x" * 100_000)
@example(("Tỉnh ủy " * 20 + "\n") * 200)
def test_predict_never_raises_and_offsets_hold(text):
    doc = extractor().predict(text)
    assert doc.text == text
    for e in doc.entities:
        assert text[e.start:e.end] == e.text
        assert 0 <= e.start < e.end <= len(text)
    ids = {e.id for e in doc.entities}
    assert all(r.head in ids and r.tail in ids for r in doc.relations)


@pytest.mark.parametrize("bad", [None, 3, b"bytes", ["list"]])
def test_non_strings_raise_type_error(bad):
    with pytest.raises(TypeError):
        extractor().predict(bad)
