"""Corpora through Hugging Face `datasets`: load_corpus, and `vntransfer export` read back (fast)."""
from __future__ import annotations

import json

import pytest

from vntransfer.cli import main
from vntransfer.annotation.corpus import corpus_features, dataset_documents, load_corpus, load_documents
from vntransfer.annotation.document import AnnotationFormatError, Document, Entity, Event, Relation
from vntransfer.annotation.export import read_export, split_name

from ..conftest import make_untrained_extractor


@pytest.fixture
def corpus(tmp_path, transfer_dict):
    """A folder with a JSON file, a JSONL file in a subfolder, and a predicted-looking document (scores, an
    event without trigger, meta) — every shape a row can take."""
    root = tmp_path / "corpus"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.json").write_text(json.dumps(transfer_dict, ensure_ascii=False), encoding="utf-8")
    text = "Ông Nguyễn Văn An giữ chức Bí thư."
    predicted = Document("p1", text, (Entity("T1", "PERSON", 4, 17, "Nguyễn Văn An", 0.987654),
                                      Entity("T2", "POSITION", 27, 33, "Bí thư", 0.5)),
                         (Relation("R1", "APPOINTED_TO", "T1", "T2", 0.75),),
                         (Event("E1", "OTHER", None, "T1", (), (), (), 0.75),), meta={"source": "written", "n": [1, 2]})
    lines = [json.dumps(predicted.to_dict(), ensure_ascii=False), json.dumps({"id": "empty", "text": ""})]
    (root / "sub" / "deeper" / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "sub" / "notes.txt").write_text("not a corpus file")
    return root


def _dicts(docs):
    return [d.to_dict() for d in docs]


def test_load_corpus_reads_folders_recursively_with_explicit_features(corpus):
    ds = load_corpus(corpus)
    assert ds.features == corpus_features()
    assert ds["id"] == ["t", "p1", "empty"]
    assert ds[0]["entities"][0] == {"id": "T1", "type": "BODY", "start": 0, "end": 21, "text": "Ban Thường vụ Tỉnh ủy",
                                    "score": None}
    assert ds[0]["events"][0]["from"] == [{"position": "T3", "body": "T4"}]
    assert ds[1]["events"][0]["trigger"] is None and json.loads(ds[1]["meta"]) == {"source": "written", "n": [1, 2]}
    assert _dicts(dataset_documents(ds)) == _dicts(load_documents([corpus]))
    assert len(load_corpus([corpus / "a.json", corpus / "sub" / "deeper" / "b.jsonl"])) == 3


def test_load_corpus_names_a_bad_document(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(AnnotationFormatError, match="bad.jsonl:1: x: missing field 'text'"):
        load_corpus(tmp_path)


def test_export_then_load_back_gives_the_same_documents(corpus, tmp_path, capsys):
    import datasets

    out = tmp_path / "out"
    assert main(["export", f"train={corpus}/*.json", f"train={corpus / 'sub'}", str(corpus / "a.json"),
                 "--out", str(out)]) == 0
    expected = {"train": _dicts(load_documents([corpus / "a.json", corpus / "sub"])),
                "a": _dicts(load_documents([corpus / "a.json"]))}
    dd = read_export(out)
    assert set(dd) == {"train", "a"} and all(dd[s].features == corpus_features() for s in dd)
    assert {s: _dicts(dataset_documents(dd[s])) for s in dd} == expected
    for split in expected:  # the Parquet copy, read on its own and through the card's metadata block
        parquet = datasets.Dataset.from_parquet(str(out / "data" / f"{split}-00000-of-00001.parquet"))
        assert _dicts(dataset_documents(parquet)) == expected[split]
    by_card = datasets.load_dataset(str(out))
    assert {s: _dicts(dataset_documents(by_card[s])) for s in by_card} == expected
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nlanguage:\n- vi\n") and "  - split: train\n    path: data/train-*.parquet" in card
    assert "| train | 3 |" in card and "gold annotations" in card


def test_export_predictions_and_replacing_an_export(corpus, tmp_path, monkeypatch):
    ex = make_untrained_extractor(tmp_path / "enc", texts=[d.text for d in load_documents([corpus])])
    model = ex.save(tmp_path / "model")
    out = tmp_path / "pred"
    assert main(["export", str(corpus), "--out", str(out), "--predict", "--model", str(model)]) == 0
    gold = load_documents([corpus])
    predicted = dataset_documents(read_export(out)["corpus"])
    from vntransfer.pipeline import load

    again = load(model).predict_many([d.text for d in gold], ids=[d.id for d in gold])
    assert [{k: v for k, v in d.items() if k != "meta"} for d in _dicts(predicted)] == _dicts(again)  # meta: the input's
    assert [d.meta for d in predicted] == [d.meta for d in gold]
    assert "predictions of the vntransfer model" in (out / "README.md").read_text(encoding="utf-8")
    assert main(["export", f"gold={corpus}", "--out", str(out)]) == 0  # an earlier export is replaced whole
    assert set(read_export(out)) == {"gold"} and sorted(p.name for p in (out / "data").iterdir()) == ["gold-00000-of-00001.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "enc", "model", "pred"]  # no temporary folder left


def test_export_refuses_a_folder_that_is_not_an_export(corpus, tmp_path, capsys):
    assert main(["export", f"x={corpus}/*.nothing", "--out", str(tmp_path / "o")]) == 2
    assert "matches no file" in capsys.readouterr().err and not (tmp_path / "o").exists()
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine")
    assert main(["export", str(corpus), "--out", str(keep)]) == 2
    assert "refusing" in capsys.readouterr().err and (keep / "notes.txt").read_text() == "mine"


def test_split_names():
    assert split_name("train=data/x.jsonl") == ("train", "data/x.jsonl")
    assert split_name("data/dev/dev40.jsonl") == ("dev40", "data/dev/dev40.jsonl")
    assert split_name("annotations/") == ("annotations", "annotations")
    assert split_name("my-set.v2.jsonl") == ("my_set", "my-set.v2.jsonl")
