"""Shards of a corpus (shards.py): a fixed plan, every record read back in order or as an error row, shard
files written whole, and an output folder that only the same run may resume. No Ray here (test_corpus_job.py)."""
from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vntransfer.serving.records import read_request
from vntransfer.annotation.document import Document
from vntransfer.serving.shards import (CorpusError, _umask, Shard, claim_output, list_inputs, make_manifest, plan_shards,
                               predict_records, read_output, read_shard, write_shard, written_shards)

LINES = [json.dumps({"id": f"d{i}", "text": f"Ông Nguyễn Văn A{i} được bổ nhiệm."}, ensure_ascii=False) for i in range(5)]


def records(shards):
    return [r for s in shards for r in read_shard(s)]


def test_jsonl_shards_are_line_ranges_in_order(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    shards = plan_shards([path], 2)
    assert [(s.index, s.kind, s.first) for s in shards] == [(0, "jsonl", 1), (1, "jsonl", 3), (2, "jsonl", 5)]
    assert [s.start for s in shards[1:]] == [s.stop for s in shards[:-1]]  # contiguous byte ranges
    assert plan_shards([path], 2) == shards
    got = records(shards)
    assert [r["id"] for r in got] == [f"d{i}" for i in range(5)]
    assert [r["source"] for r in got] == [f"{path}:{n}" for n in range(1, 6)]
    assert got[3]["text"] == json.loads(LINES[3])["text"]


def test_bad_jsonl_lines_become_error_rows_with_the_messages_of_predict(tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = [LINES[0].encode(), b"{not json", b"", json.dumps({"id": "n"}).encode(), json.dumps({"id": 3, "text": 5}).encode(),
             b'{"id": "u", "text": "\xff"}', LINES[1].encode()]  # the last line has no newline
    path.write_bytes(b"\n".join(lines))
    got = records(plan_shards([path], 3))
    assert len(got) == 7
    for n, (raw, r) in enumerate(zip(lines, got), start=1):
        expected = read_request(raw, n)
        assert {k: v for k, v in r.items() if k != "source"} == expected
        assert r["source"] == f"{path}:{n}"
    assert [("error" in r) for r in got] == [False, True, True, True, True, True, False]
    assert got[4] == {"id": 3, "error": "line 5: 'text' must be a string, got integer", "source": f"{path}:5"}


def test_parquet_rows_and_bad_parquet_files(tmp_path):
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c", "d", None], "text": ["x", None, "y", "z", "w"],
                             "other": [1, 2, 3, 4, 5]}), good, row_group_size=2)
    (tmp_path / "notparquet.parquet").write_text("hello", encoding="utf-8")
    pq.write_table(pa.table({"id": ["a"], "body": ["x"]}), tmp_path / "notext.parquet")
    shards = plan_shards([good, tmp_path / "notparquet.parquet", tmp_path / "notext.parquet"], 3)
    assert [(s.kind, s.start, s.stop) for s in shards] == [("parquet", 0, 3), ("parquet", 3, 5), ("unreadable", 0, 0),
                                                           ("unreadable", 0, 0)]
    got = records(shards)
    assert [(r["id"], r.get("text"), r.get("error")) for r in got[:5]] == [
        ("a", "x", None), ("b", None, "row 2: missing 'text'"), ("c", "y", None), ("d", "z", None),
        (None, None, "row 5: missing 'id'")]
    assert [r["source"] for r in got[:5]] == [f"{good}:{k}" for k in range(1, 6)]
    assert "not a readable Parquet file" in got[5]["error"] and got[5]["source"] == str(tmp_path / "notparquet.parquet")
    assert "no 'text' column" in got[6]["error"]


def test_txt_folders_recursive_with_ids_from_paths(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "2019").mkdir(parents=True)
    (corpus / "a.txt").write_text("Văn bản một.", encoding="utf-8")
    (corpus / "2019" / "b.txt").write_text("Văn bản hai.\r\n", encoding="utf-8")
    (corpus / "2019" / "c.txt").write_bytes(b"\xff\xfe bad")
    (corpus / "notes.md").write_text("ignored", encoding="utf-8")
    assert [i for _, i in list_inputs([corpus])] == ["2019/b", "2019/c", "a"]
    shards = plan_shards([corpus], 2)
    assert [s.ids for s in shards] == [("2019/b", "2019/c"), ("a",)]
    got = records(shards)
    assert got[0]["text"] == "Văn bản hai.\r\n"  # read as given: offsets stay true
    assert got[1]["id"] == "2019/c" and "not UTF-8" in got[1]["error"]
    assert got[2] == {"id": "a", "source": str(corpus / "a.txt"), "text": "Văn bản một."}


def test_bad_arguments_are_refused_before_anything_runs(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        plan_shards([tmp_path / "missing.jsonl"], 10)
    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CorpusError, match="not a .jsonl, .parquet or .txt"):
        plan_shards([tmp_path / "x.json"], 10)


class FailsOn:
    """An extractor whose batch fails when a text holds `bad`, and that fails on that text alone."""

    def __init__(self, bad: str):
        self.bad = bad

    def predict_many(self, texts, batch_size=16, ids=None):
        if any(self.bad in t for t in texts):
            raise RuntimeError("model failure")
        return [Document(i, t) for t, i in zip(texts, ids)]


def test_one_text_that_fails_costs_one_record():
    recs = [{"id": 1, "source": "f:1", "text": "ok"}, {"id": None, "source": "f:2", "error": "line 2: empty line"},
            {"id": "b", "source": "f:3", "text": "BOOM"}, {"id": "c", "source": "f:4", "text": "fine"}]
    out = predict_records(FailsOn("BOOM"), recs, 4)
    assert [r.get("document") for r in out] == [Document("1", "ok"), None, None, Document("c", "fine")]
    assert out[2]["error"] == "f:3: prediction failed: RuntimeError: model failure"
    assert out[1]["error"] == "line 2: empty line"


def test_shard_files_are_whole_and_a_rerun_knows_them(tmp_path):
    results = predict_records(FailsOn("BOOM"), [{"id": 7, "source": "f:1", "text": "ok"},
                                                {"id": "x", "source": "f:2", "error": "line 2: missing 'text'"}], 4)
    write_shard(tmp_path, 1, results, jsonl=True)
    write_shard(tmp_path, 0, results[:1], jsonl=False)  # parquet only: not done for a --jsonl run
    (tmp_path / "parquet" / ".part-000002.parquet.abc.tmp").write_bytes(b"half")  # a killed writer's leftover
    assert written_shards(tmp_path, jsonl=True) == {1}
    assert written_shards(tmp_path, jsonl=False) == {0, 1}
    assert not list((tmp_path / "parquet").glob(".*.tmp"))
    mode = (tmp_path / "parquet" / "part-000001.parquet").stat().st_mode & 0o777
    assert mode == 0o666 & ~_umask()  # not the private mode of a temporary file
    table = read_output(tmp_path)
    assert table.column("id").to_pylist() == ["7", "7", "x"]
    assert table.column("error").to_pylist() == [None, None, "line 2: missing 'text'"]
    assert table.column("source").to_pylist() == ["f:1", "f:1", "f:2"]
    lines = [json.loads(x) for x in (tmp_path / "jsonl" / "part-000001.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines == [{"id": 7, "text": "ok", "entities": [], "relations": [], "events": []},
                     {"id": "x", "error": "line 2: missing 'text'", "source": "f:2"}]


def test_an_output_folder_is_resumed_only_by_the_same_run(tmp_path, tiny_model_dir):
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    shards = plan_shards([src], 2)
    claim_output(out, make_manifest(shards, tiny_model_dir, 2, 16, False))
    claim_output(out, make_manifest(shards, tiny_model_dir, 2, 16, False))  # the same run: resumed
    with pytest.raises(CorpusError, match="settings"):
        claim_output(out, make_manifest(shards, tiny_model_dir, 2, 16, True))
    with pytest.raises(CorpusError, match="input files"):
        claim_output(out, make_manifest(plan_shards([src], 3), tiny_model_dir, 3, 16, False))
    other = tmp_path / "model2"  # the same model elsewhere is the same model
    other.mkdir()
    for p in tiny_model_dir.iterdir():
        (other / p.name).write_bytes(p.read_bytes())
    claim_output(out, make_manifest(shards, other, 2, 16, False))
    (other / "vntransfer.json").write_text((other / "vntransfer.json").read_text() + " ", encoding="utf-8")
    with pytest.raises(CorpusError, match="holds the output of another run \\(not the same: the model\\)"):
        claim_output(out, make_manifest(shards, other, 2, 16, False))
    src.write_text("\n".join(LINES[:4]) + "\n", encoding="utf-8")  # the input changed
    with pytest.raises(CorpusError, match="input files"):
        claim_output(out, make_manifest(plan_shards([src], 2), tiny_model_dir, 2, 16, False))
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CorpusError, match="not an output folder"):
        claim_output(tmp_path / "busy", make_manifest(shards, tiny_model_dir, 2, 16, False))


def test_shard_rows_round_trip():
    s = Shard(3, "txt", files=("a.txt", "b.txt"), ids=("a", "b"))
    assert Shard.from_row(s.to_row()) == s
