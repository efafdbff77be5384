"""One test per class of validation error, plus the CLI contract and the gold annotations."""
from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from vntransfer.cli import main
from vntransfer.annotation.document import Document
from vntransfer.annotation.validation import validate_document

from ..conftest import ANNOTATIONS, ROOT


def problems(d: dict) -> list[tuple[str, str]]:
    return [(p.element, p.message) for p in validate_document(Document.from_dict(d))]


def test_fixture_is_valid(transfer_dict):
    assert problems(transfer_dict) == []


def test_gold_annotations_are_valid(gold_documents):
    for doc in gold_documents:
        assert validate_document(doc) == [], doc.id


def test_gold_texts_are_the_seed_files_byte_for_byte(gold_documents):
    for doc in gold_documents:
        with open(ROOT / "data" / f"{doc.id}.txt", encoding="utf-8", newline="") as f:
            assert f.read() == doc.text


def _mutate(d, fn):
    d = copy.deepcopy(d)
    fn(d)
    return problems(d)


@pytest.mark.parametrize("mutation, element, fragment", [
    (lambda d: d["entities"][1].update(end=10_000), "T2", "outside the text"),
    (lambda d: d["entities"][1].update(text="Nguyễn Văn B"), "T2", "!= text["),
    (lambda d: d["entities"][1].update(type="PER"), "T2", "unknown entity type"),
    (lambda d: d["entities"][3].update(end=d["entities"][3]["end"] - 1, text=d["entities"][3]["text"][:-1]), "T4", "cuts through a syllable"),
    (lambda d: d["entities"][1].update(start=d["entities"][1]["start"] + 1, text=d["entities"][1]["text"][1:]), "T2", "cuts through a syllable"),
    (lambda d: d["entities"][2].update(id="T2"), "T2", "id used 2 times"),
])
def test_entity_errors(transfer_dict, mutation, element, fragment):
    found = _mutate(transfer_dict, mutation)
    assert any(el == element and fragment in msg for el, msg in found), found


def test_whitespace_at_span_edge(transfer_dict):
    d = copy.deepcopy(transfer_dict)
    e = d["entities"][1]
    e.update(start=e["start"] - 1, text=d["text"][e["start"] - 1:e["end"]])
    assert any("whitespace" in m for _, m in problems(d))


def test_same_type_overlap(transfer_dict):
    d = copy.deepcopy(transfer_dict)
    s = d["text"].index("Sở Nội vụ")
    d["entities"].append({"id": "T9", "type": "BODY", "start": s, "end": s + 9, "text": "Sở Nội vụ"})
    assert any(el == "T9" and "same type" in m for el, m in problems(d))


def test_only_locality_may_nest_in_body(transfer_dict):
    d = copy.deepcopy(transfer_dict)
    s = d["text"].index("Nội vụ")
    d["entities"].append({"id": "T9", "type": "POSITION", "start": s, "end": s + 6, "text": "Nội vụ"})
    assert any(el == "T9" and "only LOCALITY may sit inside BODY" in m for el, m in problems(d))


@pytest.mark.parametrize("relation, fragment", [
    ({"type": "MEMBER_OF", "head": "T2", "tail": "T3"}, "unknown relation type"),
    ({"type": "HOLDS", "head": "T2", "tail": "T99"}, "missing or invalid entity T99"),
    ({"type": "HOLDS", "head": "T3", "tail": "T2"}, "POSITION->PERSON not allowed"),
    ({"type": "TRANSFERRED_TO", "head": "T2", "tail": "T3"}, "PERSON->POSITION not allowed"),
    ({"type": "LOCATED_IN", "head": "T4", "tail": "T7"}, "not nested in body"),
    ({"type": "HOLDS", "head": "T2", "tail": "T3"}, "duplicate relation"),
])
def test_relation_errors(transfer_dict, relation, fragment):
    d = copy.deepcopy(transfer_dict)
    d["relations"].append({"id": "R99", **relation})
    found = problems(d)
    assert any(el == "R99" and fragment in m for el, m in found), found


@pytest.mark.parametrize("mutation, element, fragment", [
    (lambda d: d["events"][0].update(type="MOVE"), "E1", "unknown event type"),
    (lambda d: d["events"][0]["trigger"].update(text="bổ nhiệm"), "E1", "trigger"),
    (lambda d: d["events"][0].update(person="T3"), "E1", "is not a PERSON"),
    (lambda d: d["events"][0].update(to=[]), "E1", "'to'"),
    (lambda d: d["events"][0].update(destination=[]), "E1", "'destination'"),
    (lambda d: d["events"][0]["from"][0].update(body=None), "E1", "'from'"),
    (lambda d: d.update(events=[]), "T2", "no event"),
    (lambda d: d["events"].append(dict(d["events"][0], id="E2")), "E2", "second event"),
])
def test_event_errors(transfer_dict, mutation, element, fragment):
    found = _mutate(transfer_dict, mutation)
    assert any(el == element and fragment in m for el, m in found), found


def test_event_for_person_who_does_not_move(transfer_dict):
    d = copy.deepcopy(transfer_dict)
    d["relations"] = [r for r in d["relations"] if r["type"] not in ("APPOINTED_TO", "TRANSFERRED_TO")]
    assert any("has no APPOINTED_TO or TRANSFERRED_TO" in m for _, m in problems(d))


def test_cli_reports_every_problem_with_file_and_id(tmp_path, transfer_dict, capsys):
    d = copy.deepcopy(transfer_dict)
    d["entities"][0]["type"] = "ORG"             # T1
    d["relations"][0]["tail"] = "T42"            # R1
    (tmp_path / "bad.json").write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "good.json").write_text(json.dumps(transfer_dict, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "broken.jsonl").write_text('{"id": "x", "text": 3}\nnot json\n', encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    bad = str(tmp_path / "bad.json")
    assert any(line.startswith(f"{bad}: T1: unknown entity type") for line in out), out
    assert any(line.startswith(f"{bad}: R1: ") for line in out), out
    assert any(line.startswith(f"{tmp_path / 'broken.jsonl'}:1: x: ") and "'text' must be str" in line for line in out), out
    assert any(line.startswith(f"{tmp_path / 'broken.jsonl'}:2: document: invalid JSON") for line in out), out
    assert not any("good.json" in line for line in out)


def test_cli_validate_annotations_passes():
    r = subprocess.run([sys.executable, "-m", "vntransfer", "validate", str(ANNOTATIONS)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""


# -- validate ----------------------------------------------------------------------------------------

def test_validate_reports_bad_bytes_deep_nesting_and_symlink_loops_and_goes_on(tmp_path, transfer_dict, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(transfer_dict, ensure_ascii=False), encoding="utf-8")
    (folder / "latin1.json").write_bytes(json.dumps(transfer_dict, ensure_ascii=False).encode("latin-1", "replace")
                                         .replace(b"?", b"\xe0", 1))
    good_line = json.dumps(transfer_dict, ensure_ascii=False).encode("utf-8")
    deep = b"[" * 1000 + b"]" * 1000
    (folder / "many.jsonl").write_bytes(good_line + b"\n" + b'{"id": "\xff"}\n' + deep + b"\n" + good_line + b"\n")
    (folder / "loop.json").symlink_to(folder / "loop.json")
    (folder / "up").symlink_to(folder)
    assert main(["validate", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert f"{folder / 'latin1.json'}: document: not valid UTF-8" in out
    assert f"{folder / 'many.jsonl'}:2: document: not valid UTF-8" in out
    assert f"{folder / 'many.jsonl'}:3: document: invalid JSON: nested too deeply" in out
    assert f"{folder / 'loop.json'}: document: symlink loop" in out
    assert f"{folder / 'up'}: document: symlink loop" in out
    assert "3 documents, 5 problems" in err


def test_validate_summary_uses_the_singular(tmp_path, transfer_dict, capsys):
    (tmp_path / "a.json").write_text(json.dumps(transfer_dict), encoding="utf-8")
    (tmp_path / "b.json").write_text("{", encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 1
    assert "1 document, 1 problem\n" in capsys.readouterr().err


def test_two_types_on_one_span_is_a_problem():
    from vntransfer.annotation.document import Document
    from vntransfer.annotation.validation import validate_document

    from ..conftest import make_doc

    d = Document.from_dict(make_doc("Đại sứ tại Hà Nội", [("BODY", "Hà Nội"), ("LOCALITY", "Hà Nội")]))
    assert any("same span" in p.message for p in validate_document(d))
