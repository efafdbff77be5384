"""predict_many batches sentences across texts and gives each text what predict gives it alone."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import vntransfer.pipeline as pipeline
from vntransfer.pipeline import load

ROOT = Path(__file__).resolve().parent.parent
#: scores are written rounded to 6 decimals; a batch of other sentences may move the last of them
SCORE_TOLERANCE = 2e-6


def _without_scores(d: dict) -> dict:
    d = json.loads(json.dumps(d))
    for key in ("entities", "relations", "events"):
        for x in d.get(key, []):
            x.pop("score", None)
    return d


def _scores(d: dict) -> list[float]:
    return [x["score"] for key in ("entities", "relations", "events") for x in d.get(key, []) if "score" in x]


@pytest.fixture(scope="module")
def shipped():
    return load(ROOT / "models" / "default")


@pytest.fixture(scope="module")
def texts() -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.txt"))]
    with open(ROOT / "data" / "dev" / "dev40.jsonl", encoding="utf-8") as f:
        dev = [json.loads(line)["text"] for line in f if line.strip()][:5]
    return [seeds[3], "", dev[0], seeds[1][:400], "   \n", *dev[1:], "Ông A."]


def test_many_texts_give_what_each_text_gives_alone(shipped, texts):
    many = [d.to_dict() for d in shipped.predict_many(texts, batch_size=8)]
    alone = [shipped.predict(t, id=str(i)).to_dict() for i, t in enumerate(texts)]
    assert [_without_scores(d) for d in many] == [_without_scores(d) for d in alone]
    for a, b in zip(many, alone):
        assert all(abs(x - y) <= SCORE_TOLERANCE for x, y in zip(_scores(a), _scores(b)))
    assert sum(len(d["entities"]) for d in many) > 50 and any(d["relations"] for d in many)


def test_batches_are_full_and_mix_texts(shipped, texts, monkeypatch):
    """Sentences of several texts share a batch: short texts no longer each take a batch of their own."""
    seen = []
    real = shipped._predict_batch
    monkeypatch.setattr(shipped, "_predict_batch", lambda batch, group_texts: seen.append(
        {item.document for item in batch}) or real(batch, group_texts))
    short = [t for t in texts if t.strip()][1:7]
    shipped.predict_many(short, batch_size=16)
    assert len(seen) < len(short) and any(len(documents) > 1 for documents in seen)


def test_documents_are_grouped_so_memory_stays_bounded(shipped, texts, monkeypatch):
    one_group = [_without_scores(d.to_dict()) for d in shipped.predict_many(texts, batch_size=4)]
    monkeypatch.setattr(pipeline, "GROUP_BATCHES", 1)
    groups = []
    real = shipped._predict_group
    monkeypatch.setattr(shipped, "_predict_group", lambda group, *a: groups.append(len(group)) or real(group, *a))
    docs = shipped.predict_many(texts, batch_size=4)
    assert len(groups) > 1 and sum(groups) == len(texts)
    assert [_without_scores(d.to_dict()) for d in docs] == one_group
