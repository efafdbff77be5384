"""`vntransfer predict-corpus` on a local Ray, as a user runs it (a subprocess): two model actors give the
documents that `vntransfer predict` gives on the same records, error rows included; a run killed mid-way and
run again gives the output of a clean run. A tiny untrained model (with word segmentation) keeps it short."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vntransfer.cli import main as cli_main
from vntransfer.annotation.corpus import row_document
from vntransfer.serving.shards import plan_shards, read_output

from ..conftest import ROOT, make_untrained_extractor

pytest.importorskip("ray.data")

SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.txt"))]
SHARD_SIZE = 2


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("corpus-model")
    return make_untrained_extractor(tmp / "encoder", SEEDS, segment=True).save(tmp / "model")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    """A JSONL file (seed texts, with bad lines among them), a Parquet file and a folder of .txt files."""
    tmp = tmp_path_factory.mktemp("corpus")
    lines = [json.dumps({"id": f"j{i}", "text": SEEDS[i % len(SEEDS)][(i * 97) % 2000:][:700]}, ensure_ascii=False)
             for i in range(16)]
    lines[3] = '{"id": "broken", "text": '  # invalid JSON
    lines[8] = json.dumps({"id": 8, "text": ["not", "a", "string"]})
    lines.insert(11, json.dumps({"id": 11}))  # no text
    (tmp / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pq.write_table(pa.table({"id": ["p0", "p1", None, "p3"], "text": [SEEDS[0][:900], SEEDS[1][:500], "x", None]}),
                   tmp / "more.parquet")
    (tmp / "txt" / "2020").mkdir(parents=True)
    (tmp / "txt" / "a.txt").write_text(SEEDS[2][:800], encoding="utf-8")
    (tmp / "txt" / "2020" / "b.txt").write_text(SEEDS[3][:800], encoding="utf-8")
    (tmp / "txt" / "2020" / "c.txt").write_bytes(b"\xc3 not utf-8")
    return {"dir": tmp, "inputs": [str(tmp / "news.jsonl"), str(tmp / "more.parquet"), str(tmp / "txt")]}


def command(corpus, model_dir, out, workers: int) -> list[str]:
    return [sys.executable, "-m", "vntransfer", "predict-corpus", *corpus["inputs"], "--out", str(out), "--model",
            str(model_dir), "--workers", str(workers), "--shard-size", str(SHARD_SIZE), "--jsonl"]


def session_processes(sid: int) -> list[int]:
    """Live (not zombie) processes of session `sid`, read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, session, ...
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry))
    return found


def kill_session(sid: int, timeout: float = 60) -> None:
    """SIGKILL every process of session `sid` and wait until none is left: a killed driver's Ray actor would
    otherwise finish the shard it holds after the test has counted the files."""
    deadline = time.monotonic() + timeout
    while (left := session_processes(sid)) and time.monotonic() < deadline:
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)
    assert not session_processes(sid), f"processes of session {sid} outlived SIGKILL"


def run_cli(args: list[str], **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, cwd=ROOT, **kw)


@pytest.fixture(scope="module")
def clean_run(corpus, model_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean") / "out"
    r = run_cli(command(corpus, model_dir, out, workers=2))
    assert r.returncode == 1, r.stderr  # 1: some records are error rows
    assert "complete:" in r.stderr
    return out


def predict_cli(model_dir, tmp: Path, corpus) -> tuple[list[dict], list[dict], dict]:
    """What `vntransfer predict` writes for the same records: JSONL lines of news.jsonl and of the Parquet
    rows, and the documents of the .txt files by id. With one torch thread, as each actor (one CPU) has:
    scores are sums whose order depends on the thread count, and differ in the 6th decimal otherwise."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _predict_cli(model_dir, tmp, corpus)
    finally:
        torch.set_num_threads(threads)


def _predict_cli(model_dir, tmp: Path, corpus) -> tuple[list[dict], list[dict], dict]:
    assert cli_main(["predict", "--input", str(corpus["dir"] / "news.jsonl"), "--output", str(tmp / "news.out"),
                     "--model", str(model_dir)]) == 1
    rows = pq.read_table(corpus["dir"] / "more.parquet").to_pylist()
    (tmp / "more.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert cli_main(["predict", "--input", str(tmp / "more.jsonl"), "--output", str(tmp / "more.out"),
                     "--model", str(model_dir)]) == 1
    txt = corpus["dir"] / "txt"
    assert cli_main(["predict", str(txt / "a.txt"), str(txt / "2020" / "b.txt"), "--output-dir", str(tmp / "txt"),
                     "--model", str(model_dir)]) == 0
    read = lambda p: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]  # noqa: E731
    files = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (tmp / "txt").glob("*.json")}
    return read(tmp / "news.out"), read(tmp / "more.out"), files


def _rounded(x):
    """Scores to 5 decimals: `predict_many` batches sentences across texts, and a different batch mix changes
    floating-point sums in the 6th decimal (spans, labels, relations and events are compared exactly)."""
    if isinstance(x, float):
        return round(x, 5)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


def test_two_workers_give_the_documents_of_predict(clean_run, corpus, model_dir, tmp_path):
    news, more, files = predict_cli(model_dir, tmp_path, corpus)
    rows = read_output(clean_run).to_pylist()
    assert len(rows) == len(news) + len(more) + 3
    got_news, got_more, got_txt = rows[:len(news)], rows[len(news):len(news) + len(more)], rows[len(news) + len(more):]
    for expected, row in zip(news + more, got_news + got_more):
        if "error" in expected:  # Parquet rows name a row, not a line: only JSONL errors read the same
            assert row["error"] == expected["error"] if row in got_news else row["error"].startswith("row ")
            assert row["text"] is None and row["id"] == (None if expected["id"] is None else str(expected["id"]))
        else:
            assert row["error"] is None
            doc = row_document({k: v for k, v in row.items() if k not in ("source", "error")}).to_dict()
            assert _rounded(doc) == _rounded({**expected, "id": str(expected["id"])})
    assert [r["source"] for r in got_news] == [f"{corpus['dir'] / 'news.jsonl'}:{n}" for n in range(1, len(news) + 1)]
    assert [r["id"] for r in got_txt] == ["2020/b", "2020/c", "a"]
    assert _rounded(row_document({k: v for k, v in got_txt[0].items() if k not in ("source", "error")}).to_dict()) == \
        _rounded({**files["b"], "id": "2020/b"})
    assert _rounded(row_document({k: v for k, v in got_txt[2].items() if k not in ("source", "error")}).to_dict()) == \
        _rounded(files["a"])
    assert "not UTF-8" in got_txt[1]["error"]
    # the JSONL shards hold the lines of predict (error lines also name their source)
    lines = [json.loads(x) for p in sorted((clean_run / "jsonl").glob("part-*.jsonl"))
             for x in p.read_text(encoding="utf-8").splitlines()]
    assert _rounded([{k: v for k, v in x.items() if k != "source"} for x in lines[:len(news)]]) == _rounded(news)
    assert _rounded([x for x in lines[len(news):len(news) + len(more)] if "error" not in x]) == \
        _rounded([x for x in more if "error" not in x])
    assert sum(d.get("entities") != [] for d in news if "error" not in d) > 0  # the model found something
    run = json.loads((clean_run / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert run["workers"] == 2 and len({s["worker"] for s in run["per_shard"]}) == 2
    summary = json.loads((clean_run / "summary.json").read_text(encoding="utf-8"))
    assert summary == {"shards": len(plan_shards(corpus["inputs"], SHARD_SIZE)), "documents": 18, "errors": 6}


def test_a_killed_run_run_again_loses_nothing(clean_run, corpus, model_dir, tmp_path):
    out = tmp_path / "out"
    total = len(plan_shards(corpus["inputs"], SHARD_SIZE))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(command(corpus, model_dir, out, workers=1), env=env, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600  # a busy machine starts Ray and loads the model slowly
        while not list((out / "parquet").glob("part-*.parquet")) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
    finally:
        kill_session(proc.pid)  # the driver and the local Ray it started; Ray's workers have process groups of their own
        proc.wait()
    written = sorted((out / "parquet").glob("part-*.parquet"))
    assert 0 < len(written) < total, "the run was not stopped mid-way"
    assert not (out / "summary.json").exists()
    again = run_cli(command(corpus, model_dir, out, workers=2))
    assert again.returncode == 1, again.stderr
    assert f"{len(written)} already written, {total - len(written)} written now" in again.stderr
    assert read_output(out).equals(read_output(clean_run))
    for name in ("jsonl", "parquet"):
        assert sorted(p.name for p in (out / name).iterdir()) == sorted(p.name for p in (clean_run / name).iterdir())
    assert [p.read_bytes() for p in sorted((out / "jsonl").iterdir())] == \
        [p.read_bytes() for p in sorted((clean_run / "jsonl").iterdir())]
    assert (out / "summary.json").read_text() == (clean_run / "summary.json").read_text()
    # a third run has nothing left to do, and starts no Ray
    third = run_cli(command(corpus, model_dir, out, workers=2))
    assert third.returncode == 1 and f"{total} already written, 0 written now" in third.stderr
    assert "Started a local Ray" not in third.stderr


def test_another_model_or_shard_size_is_refused_before_ray_starts(clean_run, corpus, model_dir, tiny_model_dir):
    r = run_cli([*command(corpus, tiny_model_dir, clean_run, workers=2)])
    assert r.returncode == 2 and "not the same: the model" in r.stderr
    args = command(corpus, model_dir, clean_run, workers=2)
    args[args.index("--shard-size") + 1] = "3"
    r = run_cli(args)
    assert r.returncode == 2 and "the settings" in r.stderr and "Ray" not in r.stderr
