"""Property test of the batch command line: whatever bytes come in, one valid UTF-8 output line per input
line, in order, and every good line predicted (a fake extractor stands in for the model)."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import vntransfer.pipeline
from vntransfer.cli import main

from .test_cli_faults import FakeExtractor

SPECIAL = ["\x00", "\ufeff", "\u2028", "\u2029", "\x85", "\r", "\t", " ", "\\", '"', "Ủy ban", "👩‍👩‍👧", "\u0301"]
texts = st.one_of(st.text(), st.lists(st.sampled_from(SPECIAL) | st.text(max_size=3), max_size=6).map("".join))
ids = st.one_of(texts, st.integers(), st.integers(min_value=-2**70, max_value=2**70))
good = st.builds(lambda i, t, ascii_: json.dumps({"id": i, "text": t}, ensure_ascii=ascii_).encode("utf-8"),
                 ids, texts, st.booleans())
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "text", "x"]), inner, max_size=3),
                           max_leaves=8)
shapes = json_values.map(lambda v: json.dumps(v).encode("utf-8"))
surrogates = st.builds(lambda i, s, where: (json.dumps({"id": i, "text": "a"}) if where else json.dumps({"id": "a", "text": i}))
                       .replace('"a"', f'"{s}"', 1).encode("ascii"),
                       st.text(alphabet="abc", max_size=3), st.sampled_from(["\\ud800", "\\udfff", "x\\udc80y", "\\ud83d\\ude00"]),
                       st.booleans())
raw_bytes = st.binary(max_size=40)
lines = st.one_of(good, shapes, surrogates, raw_bytes,
                  st.builds(lambda b, g: b + g, st.sampled_from([b"\xef\xbb\xbf", b"\xff", b" ", b"\r"]), good),
                  st.builds(lambda g: g + b"\r", good)).map(lambda b: b.replace(b"\n", b" "))


def oracle(raw: bytes, n: int):
    """The request a line holds, or None when it must come back as an error record."""
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if n == 1:
        s = s.removeprefix("\ufeff")
    try:
        obj = json.loads(s)
    except (ValueError, RecursionError):
        return None
    if not isinstance(obj, dict):
        return None
    ident, text = obj.get("id"), obj.get("text")
    if isinstance(ident, bool) or not isinstance(ident, (str, int)) or not isinstance(text, str):
        return None
    for value in (ident, text):
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return None
    return obj


@settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines, max_size=12), st.integers(min_value=1, max_value=5))
@example([b'{"id": "a", "text": "\\ud800"}', b"\xef\xbb\xbf" + b'{"id": 1, "text": "x"}', b"", b"\x00\xff"], 2)
@example([b"\xef\xbb\xbf" + b'{"id": 1, "text": "\\u2028\\u0000\\ufeff"}', b"[" * 3000], 1)
def test_batch_cli_one_valid_line_out_per_line_in(data, batch_size):
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        fake = FakeExtractor()
        mp.setattr(vntransfer.pipeline, "load", lambda path=None: fake)
        inp, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        inp.write_bytes(b"".join(line + b"\n" for line in data))
        code = main(["predict", "--input", str(inp), "--output", str(out), "--batch-size", str(batch_size)])
        text = out.read_bytes().decode("utf-8")  # valid UTF-8, or this raises
    assert text.count("\n") == len(data) and len(text.splitlines()) == len(data)
    rows = [json.loads(x) for x in text.split("\n")[:-1]]
    expected = [oracle(raw, n) for n, raw in enumerate(data, start=1)]
    for n, (row, want) in enumerate(zip(rows, expected), start=1):
        if want is None:
            assert row["error"].startswith(f"line {n}: "), row
        else:
            assert "error" not in row, row
            assert row["id"] == want["id"] and type(row["id"]) is type(want["id"])
            assert row["text"] == want["text"] and row["entities"] == []
    assert fake.texts == [w["text"] for w in expected if w is not None]
    assert code == (1 if None in expected else 0)
