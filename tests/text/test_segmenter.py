"""segmenter.py gives underthesea's `word_tokenize` output on every text in the repository."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from vntransfer.text import segmenter
from vntransfer.text.syllables import split_syllables
from vntransfer.text.words import MAX_SENTENCE_SYLLABLES, split_sentences

ROOT = Path(__file__).resolve().parents[2]


def repository_lines() -> list[str]:
    """The lines words.py segments: every sentence (piece) of data/*.txt, annotations/ and dev40."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.txt"))]
    texts += [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted((ROOT / "annotations").glob("*.json"))]
    with open(ROOT / "data" / "dev" / "dev40.jsonl", encoding="utf-8") as f:
        texts += [json.loads(line)["text"] for line in f if line.strip()]
    lines = []
    for text in texts:
        for start, end in split_sentences(text):
            syllables = split_syllables(text, start, end)
            for k in range(0, len(syllables), MAX_SENTENCE_SYLLABLES):
                piece = syllables[k:k + MAX_SENTENCE_SYLLABLES]
                lines.append(" ".join(unicodedata.normalize("NFC", s.text) for s in piece))
    return lines


@pytest.fixture(scope="module")
def fast():
    seg = segmenter.load()
    assert seg is not None, "underthesea's word segmentation model is not the one segmenter.py reads"
    return seg


def test_same_words_as_underthesea_on_all_repository_text(fast, monkeypatch):
    from underthesea import word_tokenize

    handed_back = []
    monkeypatch.setattr(fast, "_fallback", lambda line: handed_back.append(line) or word_tokenize(line))
    lines = repository_lines()
    assert len(lines) > 700
    assert [fast.words(line) for line in lines] == [word_tokenize(line) for line in lines]
    assert len(handed_back) < len(lines) / 100  # the scorer, not the fallback, did the work


def test_edge_cases_match_underthesea(fast):
    from underthesea import word_tokenize

    lines = ["Hà", "Hà Nội", "Uỷ viên Bộ Chính trị", "9223372036854775808 người", "+ 1 . 000 người", "A", ". . ."]
    assert [fast.words(line) for line in lines] == [word_tokenize(line) for line in lines]


def test_close_calls_and_unchecked_characters_go_to_underthesea(fast, monkeypatch):
    calls = []
    monkeypatch.setattr(fast, "_fallback", lambda line: calls.append(line) or ["x"])
    assert fast.words("Ελλάδα và Việt Nam") == ["x"]  # Greek: the feature rules here were not checked on it
    monkeypatch.setattr(segmenter, "MARGIN", float("inf"))  # every decision counts as too close to call
    assert fast.words("Bộ Chính trị") == ["x"]
    assert calls == ["Ελλάδα và Việt Nam", "Bộ Chính trị"]


def test_model_file_is_read_whole(fast):
    import underthesea.pipeline.word_tokenize as wt

    labels, attributes, features = segmenter.read_crfsuite(Path(wt.__file__).parent / "models" / segmenter.MODEL_NAME / "models.bin")
    assert sorted(labels) == ["B-W", "I-W"]
    assert len(attributes) > 10_000 and "T[0]=Hà" in attributes
    assert sum(1 for kind, *_ in features if kind == 1) == 4  # the transitions between the two labels


def test_not_a_model_file_is_refused(tmp_path):
    bad = tmp_path / "models.bin"
    bad.write_bytes(b"not a model at all" * 4)
    with pytest.raises(ValueError, match="not a CRFsuite model"):
        segmenter.read_crfsuite(bad)
