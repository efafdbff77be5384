"""Event scores broken down by class and by form, and evaluate.py end to end on a saved model."""
import json
import subprocess
import sys

from vntransfer.annotation.document import Document
from vntransfer.evaluation.metrics import EVENT_FORMS, event_breakdown, event_form, score_documents
from vntransfer.annotation.formats.markup import parse_block

from ..conftest import ROOT

LIST = """Ban Thường vụ Tỉnh ủy [TRIG#g1 điều động] các đồng chí sau:
- Ông [PERSON#p1 Lê Văn Bình], [POSITION#t1 Phó Giám đốc] [BODY#b1 Sở Y tế], giữ chức [POSITION#t2 Giám đốc] [BODY#b2 Sở Nội vụ].
---
p1 HOLDS t1
t1 OF b1
p1 APPOINTED_TO t2
t2 OF b2
g1 DIEU_DONG p1
"""
ELECTION = """[BODY#b1 HĐND [LOCALITY#l1 tỉnh Lạng Sơn]] đã [TRIG#g1 bầu] ông [PERSON#p1 Nguyễn Long Hải] giữ chức [POSITION#t1 Phó Chủ tịch] [BODY#b2 UBND tỉnh].
---
b1 LOCATED_IN l1
p1 APPOINTED_TO t1
t1 OF b2
g1 BAU p1
"""
PASSIVE = """Ông [PERSON#p1 Trần An] được [TRIG#g1 điều động] về [BODY#b1 Ban Tổ chức Trung ương].
---
p1 TRANSFERRED_TO b1
g1 DIEU_DONG p1
"""


def test_event_form_of_real_announcement_forms():
    assert event_form(*_one(LIST)) == "list item"
    assert event_form(*_one(ELECTION)).startswith("election")
    assert event_form(*_one(PASSIVE)).startswith("to a destination")
    assert all(f in EVENT_FORMS for f in (event_form(*_one(x)) for x in (LIST, ELECTION, PASSIVE)))


def _one(markup):
    doc = parse_block(markup)
    return doc, doc.events[0]


def test_breakdown_counts_a_missed_event_and_a_wrong_class():
    gold = [parse_block(LIST, "d1"), parse_block(ELECTION, "d2")]
    # prediction: d1 exactly right; d2 has the right person and post but the class DIEU_DONG
    wrong = gold[1].events[0].__class__(**{**gold[1].events[0].__dict__, "type": "DIEU_DONG"})
    pred = [gold[0], Document(gold[1].id, gold[1].text, gold[1].entities, gold[1].relations, (wrong,))]
    b = event_breakdown(gold, pred)
    assert b["by_class"]["BAU"]["recall"] == 0 and b["by_class"]["BAU"]["support"] == 1 + 1  # type + to
    assert b["by_class"]["DIEU_DONG"]["recall"] == 1.0 and b["by_class"]["DIEU_DONG"]["precision"] < 1.0
    assert b["by_form"]["list item"] == {"events": 1, "persons_found": 1, "arguments": 3, "arguments_found": 3}
    missed = event_breakdown(gold, [gold[0], Document(gold[1].id, gold[1].text)])
    assert missed["by_form"][EVENT_FORMS[1]]["persons_found"] == 0
    assert score_documents(gold, pred)["events"]["by_class"] == b["by_class"]


def test_evaluate_py_on_a_jsonl_set_with_baselines(tmp_path, tiny_model_dir):
    data = tmp_path / "set.jsonl"
    data.write_text("\n".join(json.dumps(parse_block(m, f"d{k}").to_dict(), ensure_ascii=False)
                              for k, m in enumerate((LIST, ELECTION, PASSIVE))) + "\n", encoding="utf-8")
    out = tmp_path / "report"
    run = subprocess.run([sys.executable, "evaluate.py", "--model", str(tiny_model_dir), "--data", str(data), "--out", str(out),
                          "--bootstrap", "20", "--baseline-train", "annotations", "data/not-made.jsonl"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    # a baseline source that is not there is named: the lexicon baseline's scores depend on what it learns from
    assert "lexicon baseline: learns from 5 documents of annotations; missing data/not-made.jsonl" in run.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["kind"] == "heldout" and report["documents"] == ["d0", "d1", "d2"]
    assert list(report["systems"]) == ["vntransfer", "underthesea ner", "lexicon + rules"]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "Events by class" in md and "Events by the form" in md and "Per fold" not in md
    # the same model decoded without each repair: one row per variant, the "no repairs" one first
    assert list(report["repairs"])[0] == "no repairs" and len(report["repairs"]) == 1 + len(
        json.loads((tiny_model_dir / "vntransfer.json").read_text())["repairs"])
    assert "the same model decoded without them" in md and "| no repairs |" in md
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "vntransfer" in html
    _assert_consistent(report, [parse_block(m, f"d{k}") for k, m in enumerate((LIST, ELECTION, PASSIVE))], md)
    # the committed cross-validation report is never overwritten by a --model run
    refused = subprocess.run([sys.executable, "evaluate.py", "--model", str(tiny_model_dir), "--data", str(data),
                              "--out", "reports/cv"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert refused.returncode == 2 and "reports/cv" in refused.stderr


def _assert_consistent(report: dict, gold: list[Document], markdown: str) -> None:
    """The numbers of a report agree with the gold set and with the predictions it carries: counts add up to
    the gold and predicted counts, every F1 is in [0, 1] and is the F1 of its precision and recall."""
    from vntransfer.evaluation.scoring import event_argument_keys
    from vntransfer.annotation.validation import validate_document

    n_gold = {"entities": sum(len(d.entities) for d in gold), "relations": sum(len(d.relations) for d in gold),
              "arguments": sum(len(event_argument_keys(d)) for d in gold)}
    assert all(n_gold.values())
    assert report["gold"] == [d.to_dict() for d in gold]
    for name, system in report["systems"].items():
        preds = [Document.from_dict(p) for p in system["predictions"]]
        assert [p.id for p in preds] == [d.id for d in gold], name
        assert all(validate_document(p) == [] for p in preds), name
        pooled = system["pooled"]
        n_pred = {"entities": sum(len(p.entities) for p in preds), "relations": sum(len(p.relations) for p in preds),
                  "arguments": sum(len(event_argument_keys(p)) for p in preds)}
        for what, counts in (("entities", pooled["entities"]["micro"]), ("relations", pooled["relations"]["strict"]["micro"]),
                             ("arguments", pooled["events"]["arguments"])):
            assert counts["tp"] + counts["fn"] == n_gold[what] == counts["support"], (name, what)
            assert counts["tp"] + counts["fp"] == n_pred[what], (name, what)
            p, r = counts["precision"], counts["recall"]
            assert 0 <= counts["f1"] <= 1 and abs(counts["f1"] - (2 * p * r / (p + r) if p + r else 0.0)) < 1e-9
        per_type = pooled["entities"]["per_type"]
        assert sum(t["support"] for t in per_type.values()) == n_gold["entities"]
        summary = system["summary"]
        assert summary["entity micro-F1"]["pooled"] == pooled["entities"]["micro"]["f1"]
        assert summary["relation strict F1"]["pooled"] == pooled["relations"]["strict"]["micro"]["f1"]
        assert summary["event-argument F1"]["pooled"] == pooled["events"]["arguments"]["f1"]
        for metric, s in summary.items():
            assert 0 <= s["pooled"] <= 1 and len(s["per_fold"]) == len(gold), (name, metric)
            assert all(v is None or 0 <= v <= 1 for v in s["per_fold"]), (name, metric)
            lo, hi = s["ci95"]
            assert (lo != lo and hi != hi) or 0 <= lo <= hi <= 1, (name, metric)  # nan: nothing to resample
        assert f"{summary['entity micro-F1']['pooled']:.3f}" in markdown
