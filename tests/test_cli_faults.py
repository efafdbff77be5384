"""Batch prediction and validation on hostile input: nothing lost, nothing silent (fast: a fake or untrained model)."""
from __future__ import annotations

import io
import json
import os
import sys

import pytest

import vntransfer.pipeline
from vntransfer.cli import main
from vntransfer.annotation.document import Document


class FakeExtractor:
    """Returns empty documents; records what it was asked."""

    def __init__(self, fail_on: str | None = None):
        self.texts: list[str] = []
        self.fail_on = fail_on

    def predict_many(self, texts, batch_size=16, ids=None):
        texts = list(texts)
        if self.fail_on is not None and self.fail_on in texts:
            raise RuntimeError("boom")
        self.texts += texts
        return [Document(i, t) for t, i in zip(texts, ids or [str(k) for k in range(len(texts))])]

    def predict(self, text, id="0"):
        return self.predict_many([text], ids=[id])[0]


@pytest.fixture
def fake(monkeypatch):
    extractor = FakeExtractor()
    monkeypatch.setattr(vntransfer.pipeline, "load", lambda path=None: extractor)
    return extractor


@pytest.fixture
def no_load(monkeypatch):
    def refuse(path=None):
        raise AssertionError("the model must not be loaded")

    monkeypatch.setattr(vntransfer.pipeline, "load", refuse)


def _run(tmp_path, data: bytes, *extra: str) -> tuple[int, list[dict], bytes]:
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_bytes(data)
    code = main(["predict", "--input", str(inp), "--output", str(out), *extra])
    raw = out.read_bytes()
    return code, [json.loads(x) for x in raw.decode("utf-8").split("\n")[:-1]], raw


def _line(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")


# -- input and output files ----------------------------------------------------------------------

@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "dotted"])
def test_input_and_output_the_same_file_is_refused_before_loading(tmp_path, no_load, capsys, how):
    inp = tmp_path / "in.jsonl"
    inp.write_bytes(_line({"id": "a", "text": "x"}))
    out = {"same": inp, "dotted": tmp_path / "." / "in.jsonl", "symlink": tmp_path / "link.jsonl",
           "hardlink": tmp_path / "hard.jsonl"}[how]
    if how == "symlink":
        out.symlink_to(inp)
    elif how == "hardlink":
        os.link(inp, out)
    assert main(["predict", "--input", str(inp), "--output", str(out)]) == 2
    assert "same file" in capsys.readouterr().err
    assert inp.read_bytes() == _line({"id": "a", "text": "x"})


def test_unreadable_input_or_unwritable_output_is_refused_before_loading(tmp_path, no_load, capsys):
    assert main(["predict", "--input", str(tmp_path / "missing.jsonl"), "--output", str(tmp_path / "o.jsonl")]) == 2
    assert "cannot read --input" in capsys.readouterr().err
    inp = tmp_path / "in.jsonl"
    inp.write_bytes(_line({"id": "a", "text": "x"}))
    for out in (tmp_path / "no-such-folder" / "o.jsonl", tmp_path):
        assert main(["predict", "--input", str(inp), "--output", str(out)]) == 2
        assert "cannot write --output" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize("value", ["0", "-3", "two"])
def test_batch_size_must_be_positive(value, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["predict", "--input", "x.jsonl", "--batch-size", value])
    assert exc.value.code == 2
    assert "--batch-size" in capsys.readouterr().err


def test_model_load_error_is_one_line_and_exit_2(tmp_path, capsys):
    inp = tmp_path / "in.jsonl"
    inp.write_bytes(_line({"id": "a", "text": "x"}))
    code = main(["predict", "--input", str(inp), "--output", str(tmp_path / "o.jsonl"), "--model", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and "nowhere" in err and "Traceback" not in err


def test_plain_text_files_need_an_output_dir(tmp_path, no_load, capsys, monkeypatch):
    (tmp_path / "a.txt").write_text("Ông An", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["predict", "a.txt"]) == 2
    assert "--output-dir" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "a.txt").write_text("Bà Bình", encoding="utf-8")
    assert main(["predict", "a.txt", "b/a.txt", "--output-dir", "out"]) == 2  # a.json twice
    assert "same name" in capsys.readouterr().err


def test_plain_text_files_are_predicted_into_the_output_dir(tmp_path, fake, capsys):
    (tmp_path / "a.txt").write_text("Ông An", encoding="utf-8")
    assert main(["predict", str(tmp_path / "a.txt"), str(tmp_path / "missing.txt"), "--output-dir", str(tmp_path / "o")]) == 1
    assert "missing.txt" in capsys.readouterr().err
    assert json.loads((tmp_path / "o" / "a.json").read_text(encoding="utf-8"))["text"] == "Ông An"


# -- lines -----------------------------------------------------------------------------------------

def test_invalid_utf8_line_becomes_an_error_record_and_the_run_goes_on(tmp_path, fake):
    data = _line({"id": "a", "text": "một"}) + b'{"id": "b", "text": "\xff\xfe"}\n' + _line({"id": "c", "text": "hai"})
    code, rows, _ = _run(tmp_path, data)
    assert code == 1
    assert [r["id"] for r in rows] == ["a", None, "c"]
    assert rows[1]["error"].startswith("line 2: invalid UTF-8")
    assert fake.texts == ["một", "hai"]


def test_lone_surrogate_becomes_an_error_record_with_line_and_id(tmp_path, fake):
    data = _line({"id": "a", "text": "x"}) + b'{"id": "s", "text": "ok \\ud800 no"}\n' + b'{"id": "\\udfff", "text": "y"}\n'
    code, rows, raw = _run(tmp_path, data + _line({"id": "d", "text": "z"}))
    assert code == 1
    raw.decode("utf-8")  # valid UTF-8
    assert [r["id"] for r in rows] == ["a", "s", None, "d"]
    assert rows[1]["error"].startswith("line 2: 'text' has a lone surrogate (U+D800) at index 3")
    assert rows[2]["error"].startswith("line 3: 'id' has a lone surrogate")
    assert [r.get("text") for r in rows] == ["x", None, None, "z"]


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_line_becomes_an_error_record(tmp_path, fake, depth):
    deep = b'{"id": "n", "text": "x", "meta": ' + b"[" * depth + b"]" * depth + b"}\n"
    code, rows, _ = _run(tmp_path, _line({"id": "a", "text": "x"}) + deep + _line({"id": "c", "text": "y"}))
    assert code == 1
    assert [r["id"] for r in rows] == ["a", None, "c"]
    assert rows[1]["error"] == "line 2: invalid JSON: nested too deeply"


def test_blank_line_gets_an_error_record_in_its_place(tmp_path, fake):
    code, rows, _ = _run(tmp_path, _line({"id": "a", "text": "x"}) + b"\n  \r\n" + _line({"id": "b", "text": "y"}))
    assert code == 1
    assert rows[1:3] == [{"id": None, "error": "line 2: empty line"}, {"id": None, "error": "line 3: empty line"}]
    assert [r["id"] for r in rows] == ["a", None, None, "b"]


def test_id_type_errors_are_precise_and_ids_keep_their_json_type(tmp_path, fake):
    data = (_line({"id": ["x"], "text": "t"}) + _line({"text": "t"}) + _line({"id": 1, "text": "t"})
            + _line({"id": True, "text": "t"}) + _line({"id": 2, "text": 3}) + _line([1]))
    code, rows, _ = _run(tmp_path, data)
    assert code == 1
    assert rows[0]["error"] == "line 1: 'id' must be a string or integer, got array"
    assert rows[1]["error"] == "line 2: missing 'id'"
    assert rows[2]["id"] == 1 and "error" not in rows[2]  # the integer 1, not "1"
    assert rows[3]["error"] == "line 4: 'id' must be a string or integer, got boolean"
    assert rows[4] == {"id": 2, "error": "line 5: 'text' must be a string, got integer"}
    assert rows[5]["error"] == "line 6: a line must be a JSON object, got array"


def test_duplicate_ids_are_warned_about(tmp_path, fake, capsys):
    data = b"".join(_line({"id": i, "text": "t"}) for i in ["a", "b", "a", 7, 7])
    code, rows, _ = _run(tmp_path, data, "--batch-size", "2")
    assert code == 0 and [r["id"] for r in rows] == ["a", "b", "a", 7, 7]
    err = capsys.readouterr().err
    assert "warning: 2 ids used more than once" in err and "'a' on lines 1, 3" in err and "7 on lines 4, 5" in err


def test_a_text_the_model_fails_on_costs_only_its_line(tmp_path, monkeypatch):
    extractor = FakeExtractor(fail_on="bad")
    monkeypatch.setattr(vntransfer.pipeline, "load", lambda path=None: extractor)
    code, rows, _ = _run(tmp_path, b"".join(_line({"id": i, "text": i}) for i in ["a", "bad", "c"]))
    assert code == 1
    assert [r["id"] for r in rows] == ["a", "bad", "c"]
    assert rows[1]["error"] == "line 2: prediction failed: RuntimeError: boom"
    assert rows[2]["text"] == "c"


def test_line_separators_inside_texts_do_not_split_output_lines(tmp_path, fake):
    code, rows, raw = _run(tmp_path, _line({"id": "a", "text": "x\u2028y\u2029z\x85w"}) + _line({"id": "b", "text": "v"}))
    assert code == 0
    assert len(raw.decode("utf-8").splitlines()) == 2
    assert rows[0]["text"] == "x\u2028y\u2029z\x85w"


def test_stdin_stdout_mode_reads_bytes_and_writes_utf8(monkeypatch, fake):
    data = _line({"id": "a", "text": "Hà Nội"}) + b"\xc3\x28\n" + b'{"id": "s", "text": "\\ud83d"}\n'
    out = io.BytesIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="ascii"))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, encoding="ascii"))
    assert main(["predict"]) == 1
    sys.stdout.flush()
    rows = [json.loads(x) for x in out.getvalue().decode("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", None, "s"] and rows[0]["text"] == "Hà Nội"


# -- a real (untrained) model end to end -------------------------------------------------------------------------

def test_real_model_batch_with_hostile_lines(tmp_path, tiny_model_dir):
    data = (_line({"id": 1, "text": "Ông Nguyễn Văn An"}) + b"\xff\n" + b'{"id": "s", "text": "\\udc80"}\n'
            + b"[" * 5000 + b"\n" + _line({"id": "e", "text": ""}))
    code, rows, _ = _run(tmp_path, data, "--model", str(tiny_model_dir))
    assert code == 1
    assert [r["id"] for r in rows] == [1, None, "s", None, "e"]
    assert rows[0]["text"] == "Ông Nguyễn Văn An" and rows[4]["entities"] == []
