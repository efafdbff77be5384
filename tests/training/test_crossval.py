"""Cross-validation bookkeeping: each document is tested by a model that never trained on it, extra text only
trains, the scores are pooled over the folds and each repair is measured on the same fold model. Training is
replaced by a stub extractor (the folds' arithmetic is what is tested here, in a second or two)."""
from __future__ import annotations

import dataclasses
import inspect

import pytest

from vntransfer.training.crossval import cross_validate
from vntransfer.annotation.document import Document
from vntransfer.annotation.formats.markup import parse_block
from vntransfer.pipeline import ExtractorSettings
from vntransfer.evaluation.report import report_markdown
from vntransfer.training.trainer import TrainingArguments

from ..conftest import APPROVAL_MARKUP, overfit_documents


def write_jsonl(docs, path):
    import json

    path.write_text("".join(json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")


EXTRA = """Ông [PERSON#p1 Trần An] được [TRIG#g1 điều động] về [BODY#b1 Ban Tổ chức Trung ương].
---
p1 TRANSFERRED_TO b1
g1 DIEU_DONG p1
"""


class HeldOutOracle:
    """Predicts a document's gold annotation, but only for a text it did not train on (a leak of the test
    document into training shows as an empty prediction), and nothing when the `admin_words` repair is off."""

    def __init__(self, gold: list[Document], train_docs: list[Document]):
        self.gold = {d.text: d for d in gold}
        self.trained = {d.text for d in train_docs}
        self.settings = ExtractorSettings()

    def predict(self, text: str, id: str = "0") -> Document:
        if text in self.trained or "admin_words" not in self.settings.repairs:
            return Document(id, text)
        g = self.gold[text]
        return Document(id, text, g.entities, g.relations, g.events)


def test_leave_one_out_bookkeeping_with_a_stub_extractor(tmp_path, monkeypatch):
    import vntransfer.training.crossval as cv

    docs = [dataclasses.replace(d, id=f"doc{k}") for k, d in enumerate(overfit_documents() + [parse_block(APPROVAL_MARKUP)])]
    extra = [parse_block(EXTRA, "extra0"), parse_block(EXTRA.replace("Trần An", "Lê Bình"), "extra1")]
    trained, based = [], []
    real_train = inspect.signature(cv.train)

    def stub_train(args, **kwargs):
        real_train.bind(args, **kwargs)  # called as the real training function can be
        assert kwargs["save"] is False and [d.id for d in kwargs["dev_docs"]] == ["dev0"] and args.dev == [str(dev_file)]
        trained.append(({d.id for d in kwargs["train_docs"]}, {d.id for d in kwargs["extra_docs"]}, args.output_dir))
        # the fold keeps its best dev epoch (2 of 3), as the real training function does
        history = [{"epoch": 1, "dev_score": 0.5}, {"epoch": 2, "dev_score": 0.7}, {"epoch": 3, "dev_score": 0.6}]
        return HeldOutOracle(docs, kwargs["train_docs"] + kwargs["extra_docs"]), history

    def baseline(train_docs):
        based.append({d.id for d in train_docs})
        return lambda text, id: Document(id, text)  # finds nothing

    monkeypatch.setattr(cv, "train", stub_train)
    dev_file = tmp_path / "dev.jsonl"  # a development set selects each fold's epoch; it is never a test document
    write_jsonl([parse_block(EXTRA.replace("Trần An", "Đỗ Cường"), "dev0")], dev_file)
    args = TrainingArguments(train=[], dev=[str(dev_file)], encoder="enc", epochs=1, progress=False)
    report = cross_validate(docs, args, work_dir=str(tmp_path / "cv"), extra_train=extra, bootstrap=20,
                            baselines={"nothing": baseline})
    # fold k holds out document k; the extra text trains every fold and is never tested
    assert report["documents"] == ["doc0", "doc1", "doc2"] and report["extra_training_documents"] == 2
    assert report["dev_documents"] == 1 and report["kept_epochs"] == [2, 2, 2]
    assert "kept epochs per fold: 2, 2, 2" in report_markdown(report)
    all_ids, extra_ids = {d.id for d in docs}, {d.id for d in extra}
    for k, (train_ids, extra_train_ids, output_dir) in enumerate(trained):
        assert train_ids == all_ids - {f"doc{k}"} and extra_train_ids == extra_ids
        assert output_dir.endswith(f"fold-{k}/model")
    assert based == [(all_ids - {f"doc{k}"}) | extra_ids for k in range(3)]
    assert len(trained) == 3
    # pooled over the folds: the held-out oracle is right everywhere, the empty baseline finds nothing
    model, nothing = report["systems"]["vntransfer"], report["systems"]["nothing"]
    gold_entities = sum(len(d.entities) for d in docs)
    assert model["pooled"]["entities"]["micro"] == {**model["pooled"]["entities"]["micro"], "tp": gold_entities, "fp": 0, "fn": 0}
    assert model["summary"]["entity micro-F1"]["pooled"] == 1.0
    assert model["summary"]["entity micro-F1"]["per_fold"] == [1.0, 1.0, 1.0]
    assert [p["id"] for p in model["predictions"]] == ["doc0", "doc1", "doc2"]
    assert nothing["pooled"]["entities"]["micro"]["fn"] == gold_entities and nothing["summary"]["entity micro-F1"]["pooled"] == 0.0
    assert report["gold"] == [d.to_dict() for d in docs]
    # each repair is measured on the same fold model, decoded without it; the fold model keeps its repairs
    repairs = ExtractorSettings().repairs
    assert set(report["repairs"]) == {"no repairs"} | {f"without {r}" for r in repairs}
    for name, scores in report["repairs"].items():
        expected = 0.0 if name in ("no repairs", "without admin_words") else 1.0
        assert scores["entities"]["micro"]["f1"] == expected, name
    assert "Decoding repairs" in report_markdown(report)
    with pytest.raises(ValueError, match="overlap"):
        cross_validate(docs, args, work_dir=str(tmp_path / "cv2"), extra_train=docs[:1], baselines={})
    write_jsonl([docs[0]], dev_file)
    with pytest.raises(ValueError, match="development documents overlap"):
        cross_validate(docs, args, work_dir=str(tmp_path / "cv3"), extra_train=extra, baselines={})


def test_decoder_ablation_trains_each_decoder_with_the_same_recipe_and_checks_reused_models(tmp_path, monkeypatch,
                                                                                            tiny_model_dir):
    import json

    import vntransfer.training.crossval as cv
    from vntransfer.pipeline import load

    dev = overfit_documents()
    recipes = []

    def stub_train(args, **kwargs):
        recipes.append(args)
        extractor = load(tiny_model_dir)  # untrained: the rows are what it finds, scored like any model's
        return extractor, [{"epoch": 1, "dev_score": 0.1}]

    monkeypatch.setattr(cv, "train", stub_train)
    args = TrainingArguments(train=[], dev=[], encoder="enc", epochs=2, progress=False, seed=5)
    result = cv.decoder_ablation(args, dev, work_dir=str(tmp_path / "w"))
    assert [r.crf for r in recipes] == [False, True]
    assert {(r.epochs, r.seed, r.encoder) for r in recipes} == {(2, 5, "enc")}  # the same recipe but the decoder
    assert list(result["rows"]) == ["independent softmax, repairs", "independent softmax, no repairs", "CRF, repairs",
                                    "CRF, no repairs"]
    md = cv.decoder_markdown(result)
    assert "| CRF, no repairs |" in md and "2 epochs, seed 5" in md
    # a model trained with another recipe is refused, naming the arguments that differ
    with pytest.raises(ValueError, match="epochs"):
        cv.decoder_ablation(args, dev, work_dir=str(tmp_path / "w2"), models={"CRF": str(tiny_model_dir)})
    saved = {**dataclasses.asdict(args), "crf": True, "output_dir": "elsewhere"}
    assert cv.recipe_differences(saved, dataclasses.replace(args, crf=True)) == []
    assert cv.recipe_differences({k: v for k, v in saved.items() if k != "crf"}, dataclasses.replace(args, crf=True)) == ["crf"]
    json.dumps(result)  # written as decoders.json


@pytest.mark.slow
def test_folds_in_two_processes_give_the_report_of_folds_one_by_one(tmp_path):
    """Real (tiny) training in each fold: two spawned fold processes, one torch thread each, report what the
    folds run one by one in this process with one thread report (models, repairs, baselines, kept epochs)."""
    import torch

    from vntransfer.training.crossval import lexicon_baseline

    from ..conftest import make_phobert_style_encoder

    docs = [dataclasses.replace(d, id=f"doc{k}") for k, d in enumerate(overfit_documents() + [parse_block(APPROVAL_MARKUP)])]
    extra = [parse_block(EXTRA, "extra0")]
    dev_file = tmp_path / "dev.jsonl"
    write_jsonl([parse_block(EXTRA.replace("Trần An", "Đỗ Cường"), "dev0")], dev_file)
    encoder = make_phobert_style_encoder(tmp_path / "encoder", [d.text for d in docs + extra])
    args = TrainingArguments(train=[], dev=[str(dev_file)], encoder=str(encoder), epochs=2, batch_size=2,
                             learning_rate=3e-3, crf=True, progress=False)
    reports = {}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in each fold process: the same arithmetic
    try:
        for jobs in (1, 2):
            reports[jobs] = cross_validate(docs, args, work_dir=str(tmp_path / f"cv{jobs}"), extra_train=extra,
                                           bootstrap=20, baselines={"lexicon + rules": lexicon_baseline}, jobs=jobs)
    finally:
        torch.set_num_threads(threads)
    one, two = reports[1], reports[2]
    assert one["kept_epochs"] == two["kept_epochs"] and len(one["kept_epochs"]) == 3
    for name in ("vntransfer", "lexicon + rules"):
        assert one["systems"][name]["predictions"] == two["systems"][name]["predictions"], name
        assert one["systems"][name]["summary"] == two["systems"][name]["summary"], name
    assert one["repairs"] == two["repairs"] and set(one["repairs"]) >= {"no repairs"}
    assert sum(len(p["entities"]) for p in one["systems"]["lexicon + rules"]["predictions"]) > 0


def test_an_encoder_pretrained_on_a_test_document_is_refused(tmp_path):
    import json

    docs = [dataclasses.replace(d, id=f"doc{k}") for k, d in enumerate(overfit_documents())]
    (tmp_path / "seed.txt").write_text(docs[1].text + "\n", encoding="utf-8")
    write_jsonl([parse_block(EXTRA, "extra0")], tmp_path / "written.jsonl")
    for name, sources in (("leaky", [str(tmp_path / "seed.txt"), str(tmp_path / "written.jsonl")]),
                          ("clean", [str(tmp_path / "written.jsonl")])):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pretrained.json").write_text(json.dumps({"sources": sources}), encoding="utf-8")
    leaky = TrainingArguments(train=[], encoder=str(tmp_path / "leaky"), epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"pretrained on test documents \(doc1\)"):
        cross_validate(docs, leaky, work_dir=str(tmp_path / "cv"), extra_train=[], baselines={})
    from vntransfer.training.crossval import pretraining_overlap

    assert pretraining_overlap(str(tmp_path / "clean"), docs) == []
    write_jsonl([docs[0]], tmp_path / "written.jsonl")  # a document source counts too
    assert pretraining_overlap(str(tmp_path / "clean"), docs) == ["doc0"]
