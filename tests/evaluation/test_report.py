"""Reports: scores, determinism, and the HTML page opened in a real headless browser."""
from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess

import pytest

from vntransfer.evaluation.baselines import LexiconBaseline
from vntransfer.training.crossval import evaluate_model
from vntransfer.evaluation.metrics import entity_confusion, relaxed_scores, score_documents
from vntransfer.evaluation.report import report_markdown, update_readme, write_reports


def _drop_half(doc):
    return dataclasses.replace(doc, entities=doc.entities[::2], relations=(), events=())


def test_scores_of_gold_against_itself_are_perfect(gold_documents):
    s = score_documents(gold_documents, gold_documents)
    assert s["entities"]["micro"]["f1"] == 1.0 and s["relations"]["strict"]["micro"]["f1"] == 1.0
    assert s["events"]["arguments"]["f1"] == 1.0
    assert all(v["f1-score"] == 1.0 for v in s["entities"]["seqeval"].values())


def test_seqeval_agrees_with_exact_span_matching(gold_documents):
    pred = [_drop_half(d) for d in gold_documents]
    s = score_documents(gold_documents, pred)
    for t, ours in s["entities"]["per_type"].items():
        assert s["entities"]["seqeval"][t]["recall"] == pytest.approx(ours["recall"])
        assert s["entities"]["seqeval"][t]["precision"] == pytest.approx(ours["precision"])


def test_relaxed_scores_count_overlaps(transfer_doc):
    shifted = dataclasses.replace(transfer_doc, entities=tuple(
        dataclasses.replace(e, end=e.end - 1, text=e.text[:-1]) if e.type == "PERSON" else e for e in transfer_doc.entities))
    strict = score_documents([transfer_doc], [shifted], with_seqeval=False)["entities"]["micro"]
    relaxed = relaxed_scores([transfer_doc], [shifted])["entities"]
    assert strict["f1"] < 1.0 and relaxed["f1"] == 1.0


def test_confusion_counts_type_errors(transfer_doc):
    wrong = dataclasses.replace(transfer_doc, entities=tuple(
        dataclasses.replace(e, type="BODY") if e.type == "LOCALITY" and e.text == "xã Bản Lầu" else e for e in transfer_doc.entities))
    m = entity_confusion([transfer_doc], [wrong])
    assert m["LOCALITY"]["BODY"] == 1 and m["LOCALITY"]["LOCALITY"] == 1 and m["BODY"]["BODY"] == 3


def _report(gold_documents):
    lexicon = LexiconBaseline(gold_documents[1:])
    return evaluate_model(gold_documents, lambda ds: [lexicon.predict(d.text, d.id) for d in ds], "lexicon", bootstrap=30)


def test_reports_are_deterministic_and_readme_is_generated(tmp_path, gold_documents):
    a, b = _report(gold_documents), _report(gold_documents)
    assert report_markdown(a) == report_markdown(b)
    assert a["data_hash"] == b["data_hash"] and len(a["data_hash"]) == 16
    md = write_reports(a, tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text("x\n<!-- results:start -->\nSTALE TABLE\n<!-- results:end -->\ny\n", encoding="utf-8")
    update_readme(readme, md)
    text = readme.read_text(encoding="utf-8")
    assert "STALE TABLE" not in text and "| entity micro-F1 |" in text and text.endswith("<!-- results:end -->\ny\n")


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; .ci/run installs Debian's chromium")
    pytest.skip("chromium not installed")


def test_html_report_renders_in_headless_chromium(tmp_path, gold_documents):
    browser = _chromium()
    report = _report(gold_documents)
    write_reports(report, tmp_path)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    url = (tmp_path / "report.html").as_uri()
    dom = subprocess.run([browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
    assert 'data-rendered="yes"' in dom  # the page's script ran to the end
    assert dom.count('class="bar"') == 4 + 5  # one bar per entity type and per relation type (one system)
    assert dom.count("<mark>") > 0 and "false negative" in dom and "gold \\ predicted" in dom
    shot = tmp_path / "shot.png"
    subprocess.run([browser, *flags, "--window-size=1200,1600", f"--screenshot={shot}", url],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_update_readme_waits_for_a_job_that_holds_the_readme(tmp_path):
    """Side-by-side jobs (make all) rewrite README blocks under one lock: an update waits for the holder and
    then keeps the holder's block."""
    import fcntl
    import threading

    readme = tmp_path / "README.md"
    readme.write_text("a\n<!-- dev:start -->\nold dev\n<!-- dev:end -->\n<!-- results:start -->\nold\n<!-- results:end -->\n",
                      encoding="utf-8")
    with open(tmp_path / ".README.md.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another job is between its read and its write
        waiting = threading.Thread(target=update_readme, args=(readme, "new results"))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive() and "new results" not in readme.read_text(encoding="utf-8")
        readme.write_text(readme.read_text(encoding="utf-8").replace("old dev", "new dev"), encoding="utf-8")
    waiting.join(10)
    text = readme.read_text(encoding="utf-8")
    assert "new dev" in text and "new results" in text and "old" not in text.replace("old dev", "")
    update_readme(readme, "again", marker="dev")
    assert "<!-- dev:start -->\nagain\n<!-- dev:end -->" in readme.read_text(encoding="utf-8")
