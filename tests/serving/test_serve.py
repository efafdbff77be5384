"""The HTTP service: test client for the contract, and one real server under concurrent requests."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from vntransfer.pipeline import load
from vntransfer.serving.serve import create_app

from ..conftest import ROOT

MODEL = ROOT / "models" / "default"
TEXT = "Ban Thường vụ Tỉnh ủy điều động ông Nguyễn Văn An, Phó Giám đốc Sở Y tế, giữ chức Giám đốc Sở Nội vụ."


@pytest.fixture(scope="module")
def client():
    app = create_app(load(MODEL), model_path=str(MODEL), max_body_bytes=20_000, max_texts=4)
    return TestClient(app)


def test_health_version_and_docs(client):
    assert client.get("/health").json() == {"status": "ok"}
    v = client.get("/version").json()
    assert v["package_version"] and v["model_package_version"] and v["segmenter"]["name"]
    assert "/predict" in client.get("/openapi.json").json()["paths"]


def test_predict_one_text_gives_a_spec_document(client):
    r = client.post("/predict", json={"text": TEXT})
    assert r.status_code == 200
    doc = r.json()
    assert doc["text"] == TEXT and {"entities", "relations", "events"} <= set(doc)
    assert all(TEXT[e["start"]:e["end"]] == e["text"] for e in doc["entities"])


def test_predict_lists_keep_order_and_ids(client):
    r = client.post("/predict", json={"documents": [{"id": "b", "text": TEXT}, {"id": 7, "text": ""}]})
    assert [d["id"] for d in r.json()] == ["b", "7"]
    r = client.post("/predict", json={"texts": ["", TEXT]})
    assert [d["id"] for d in r.json()] == ["0", "1"]


@pytest.mark.parametrize("body, status", [
    ({}, 422),
    ({"text": "a", "texts": ["b"]}, 422),
    ({"texts": ["a"] * 5}, 422),
    ({"text": 3}, 422),
    ({"text": "x" * 30_000}, 413),
])
def test_bad_requests_get_clear_errors(client, body, status):
    r = client.post("/predict", json=body)
    assert r.status_code == status
    assert r.json()["detail"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_real_server_answers_concurrent_requests():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "vntransfer", "serve", "--port", str(port), "--model", str(MODEL)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("server did not start within 90 s")

        def call(i):
            return httpx.post(f"{base}/predict", json={"documents": [{"id": f"d{i}", "text": TEXT}]}, timeout=60)

        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(call, range(16)))
        assert [r.status_code for r in responses] == [200] * 16
        assert [r.json()[0]["id"] for r in responses] == [f"d{i}" for i in range(16)]
        first = responses[0].json()[0]["entities"]
        assert all(r.json()[0]["entities"] == first for r in responses)  # no interleaving inside the model
    finally:
        proc.terminate()
        proc.wait(timeout=30)
