"""Cross-validation: each document is tested by a model that never trained on it; extra text only trains."""
from __future__ import annotations

import dataclasses

import pytest

from vntransfer.crossval import cross_validate
from vntransfer.generate import generate
from vntransfer.report import report_markdown
from vntransfer.training import TrainingArguments

from .conftest import make_phobert_style_encoder

pytestmark = pytest.mark.slow


def test_leave_one_out_scores_every_document_and_measures_the_repairs(tmp_path, monkeypatch):
    import vntransfer.crossval as cv

    docs = [dataclasses.replace(d, id=f"doc{k}") for k, d in enumerate(generate(3, seed=11))]
    extra = generate(2, seed=12)
    encoder = make_phobert_style_encoder(tmp_path / "enc", [d.text for d in docs + extra])
    seen = []
    real_train = cv.train

    def spy(args, train_docs, dev_docs, save, extra_docs):
        seen.append(({d.id for d in train_docs}, {d.id for d in extra_docs}))
        return real_train(args, train_docs=train_docs, dev_docs=dev_docs, save=save, extra_docs=extra_docs)

    monkeypatch.setattr(cv, "train", spy)
    args = TrainingArguments(train=[], dev=[], encoder=str(encoder), epochs=1, batch_size=4, progress=False)
    report = cross_validate(docs, args, work_dir=str(tmp_path / "cv"), extra_train=extra, bootstrap=20, baselines={})
    assert report["documents"] == ["doc0", "doc1", "doc2"]
    for (train_ids, extra_ids), test in zip(seen, docs):
        assert test.id not in train_ids and len(train_ids) == 2 and extra_ids == {d.id for d in extra}
    assert [p["id"] for p in report["systems"]["vntransfer"]["predictions"]] == ["doc0", "doc1", "doc2"]
    assert set(report["repairs"]) == {"no repairs"} | {f"without {r}" for r in args_repairs()}
    assert "Decoding repairs" in report_markdown(report)
    with pytest.raises(ValueError, match="overlap"):
        cross_validate(docs, args, work_dir=str(tmp_path / "cv2"), extra_train=docs[:1], baselines={})


def args_repairs():
    from vntransfer.pipeline import ExtractorSettings

    return ExtractorSettings().repairs
