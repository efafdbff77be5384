"""The service as a newsroom runs it: the real server on loopback (the shipped model), its page in headless
chromium, the API key, limits, hostile input, access log, metrics, fairness and graceful shutdown."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import httpx
import pytest
from fastapi.testclient import TestClient

from vntransfer.serving.serve import FairLock, bind_problem, create_app

from ..conftest import ROOT
from ..evaluation.test_report import _chromium
from .test_serve import MODEL, _free_port

NESTED = "Ban Thường vụ Tỉnh ủy điều động ông Nguyễn Văn An, Phó Giám đốc Sở Y tế, giữ chức Giám đốc Sở Nội vụ tỉnh Lào Cai."
KEY = "s3cret-key"
IN_FLIGHT = 'vntransfer_http_requests_in_progress{path="/predict"} 1.0'
LIMITS = ["--max-body-bytes", "200000", "--max-text-chars", "60000", "--max-request-chars", "150000",
          "--max-texts", "8", "--body-timeout", "2", "--timeout", "60"]


def _start(tmp, *args, env=None):
    port = _free_port()
    log = open(tmp / f"server-{port}.log", "w+", encoding="utf-8")
    full_env = {k: v for k, v in os.environ.items() if k != "VNTRANSFER_API_KEY"}
    full_env.update(env or {}, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "vntransfer", "serve", "--port", str(port), "--model", str(MODEL), *args],
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=full_env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited: {(tmp / f'server-{port}.log').read_text()}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return proc, base, port, tmp / f"server-{port}.log"
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail("server did not start within 120 s")


def _stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc, base, port, log = _start(tmp_path_factory.mktemp("server"), *LIMITS)
    yield base, port, log
    _stop(proc)


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory):
    proc, base, port, log = _start(tmp_path_factory.mktemp("keyed"), env={"VNTRANSFER_API_KEY": KEY})
    yield base
    _stop(proc)


def _still_serves(base, headers=None):
    assert httpx.get(f"{base}/health", timeout=10).json() == {"status": "ok"}
    r = httpx.post(f"{base}/predict", json={"text": NESTED}, headers=headers, timeout=60)
    assert r.status_code == 200 and r.json()["entities"]


def _browser(url, tmp_path, *extra):
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=60000"]  # waits for the page's fetch
    return subprocess.run([_chromium(), *flags, *extra, url], capture_output=True, text=True, timeout=180)


# -- the page -------------------------------------------------------------------------------------
def test_page_predicts_and_highlights_in_headless_chromium(server, tmp_path):
    base, _, _ = server
    page = httpx.get(base + "/")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert "http://" not in page.text and "https://" not in page.text  # nothing fetched from elsewhere
    assert "default-src 'none'" in page.headers["content-security-policy"]
    url = f"{base}/?text={urllib.parse.quote(NESTED)}"
    dom = _browser(url, tmp_path, "--dump-dom").stdout
    assert 'data-rendered="yes"' in dom, dom[-2000:]  # the page's script predicted and rendered
    assert '<mark class="ent ent-PERSON" data-type="PERSON" data-id="T2" title="T2 PERSON">Nguyễn Văn An</mark>' in dom
    # the LOCALITY is drawn inside its BODY
    assert ('data-type="BODY" data-id="T6" title="T6 BODY">Sở Nội vụ <mark class="ent ent-LOCALITY" '
            'data-type="LOCALITY" data-id="T7" title="T7 LOCALITY">tỉnh Lào Cai</mark></mark>') in dom
    assert '<div class="who">Nguyễn Văn An:</div><div class="move">Phó Giám đốc Sở Y tế → Giám đốc Sở Nội vụ tỉnh Lào Cai, điều động</div>' in dom
    assert dom.count('<tr class="relation">') == 5
    shot = tmp_path / "page.png"
    _browser(url, tmp_path, "--window-size=1200,1000", f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_page_tells_to_enter_the_key_when_the_server_wants_one(keyed_server, tmp_path):
    assert httpx.get(keyed_server + "/").status_code == 200  # the page itself is open
    dom = _browser(f"{keyed_server}/?text={urllib.parse.quote(NESTED)}", tmp_path, "--dump-dom").stdout
    assert 'data-rendered="error"' in dom and "lỗi 401" in dom and "API key field" in dom


# -- keeping strangers out ---------------------------------------------------------------------------
def test_api_key_is_required_where_set(keyed_server):
    base = keyed_server
    for path in ("/predict", "/version", "/metrics"):
        r = httpx.request("POST" if path == "/predict" else "GET", base + path, json={"text": "a"} if path == "/predict" else None)
        assert r.status_code == 401 and "API key required" in r.json()["detail"]
        assert r.headers["www-authenticate"] == "Bearer"
    assert httpx.post(base + "/predict", json={"text": "a"}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx.get(base + "/health").status_code == 200 and httpx.get(base + "/docs").status_code == 200
    assert httpx.get(base + "/version", headers={"X-API-Key": KEY}).status_code == 200
    _still_serves(base, {"Authorization": f"Bearer {KEY}"})


def test_binding_beyond_loopback_needs_a_key():
    env = {k: v for k, v in os.environ.items() if k != "VNTRANSFER_API_KEY"}
    env["PYTHONPATH"] = str(ROOT / "src")
    r = subprocess.run([sys.executable, "-m", "vntransfer", "serve", "--host", "0.0.0.0", "--model", str(MODEL)],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert r.returncode == 2 and "refusing to listen on 0.0.0.0 without an API key" in r.stderr
    assert bind_problem("127.0.0.1", None) is None and bind_problem("::1", None) is None
    assert bind_problem("localhost", None) is None and bind_problem("0.0.0.0", "k") is None
    assert bind_problem("192.168.1.5", None) and bind_problem("::", None)


# -- limits --------------------------------------------------------------------------------------
@pytest.mark.parametrize("body, status, words", [
    ({"text": "x" * 60_001}, 413, "at most 60000 per text"),
    ({"texts": ["x" * 55_000] * 3}, 413, "165000 characters in one request; at most 150000"),
    ({"texts": ["a"] * 9}, 422, "at most 8 texts"),
    ({"text": "x" * 250_000}, 413, "over 200000 bytes"),
])
def test_limits_give_clear_json_errors(server, body, status, words):
    base = server[0]
    r = httpx.post(base + "/predict", json=body, timeout=60)
    assert r.status_code == status and words in r.json()["detail"]
    _still_serves(base)


def test_request_timeout_gives_504_and_frees_the_model():
    class Slow:  # calls the pause hook between "batches", as the pipeline does
        def predict_many(self, texts, ids=None, pause=None, batch_size=16):
            for _ in range(100):
                pause()
                time.sleep(0.05)
            return []

    client = TestClient(create_app(Slow(), model_path=str(MODEL), request_timeout=0.5))
    t0 = time.time()
    r = client.post("/predict", json={"text": "a"})
    assert r.status_code == 504 and "not finished within 0.5 s" in r.json()["detail"]
    assert time.time() - t0 < 3  # the work was given up, not finished


def test_fair_lock_serves_in_arrival_order():
    lock, order = FairLock(), []
    lock.acquire()
    threads = [threading.Thread(target=lambda i=i: (lock.acquire(), order.append(i), lock.release())) for i in range(5)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    lock.release()
    for t in threads:
        t.join(5)
    assert order == list(range(5))
    assert lock.acquire(timeout=1)
    assert not lock.acquire(timeout=0.1)  # held: times out
    lock.release()


# -- hostile input over HTTP ------------------------------------------------------------------------
def _raw(port, head: bytes, body_parts=(), wait=10.0) -> tuple[bytes, int]:
    """Send a request by hand; returns the answer and how many body bytes went out before it came."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(head)
        s.setblocking(False)
        answer = b""
        for part in body_parts:
            try:
                answer += s.recv(65536)
            except BlockingIOError:
                pass
            if answer:
                break
            try:
                s.setblocking(True)
                s.sendall(part)
                sent += len(part)
                s.setblocking(False)
            except (BrokenPipeError, ConnectionResetError):
                break
        s.setblocking(True)
        s.settimeout(wait)
        try:
            while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
                more = s.recv(65536)
                if not more:
                    break
                answer += more
        except (TimeoutError, socket.timeout, ConnectionResetError):
            pass
    return answer, sent


def test_chunked_body_over_the_limit_is_cut_off_while_streaming(server):
    base, port, _ = server
    head = (b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    piece = b'{"text": "' + b"x" * 65_000
    chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
    answer, sent = _raw(port, head, [chunk] * 160)  # 10 MB offered against a 200 kB limit
    assert answer.startswith(b"HTTP/1.1 413") and b"over 200000 bytes" in answer
    assert sent < 160 * len(chunk) // 2  # answered long before the client had sent it all
    _still_serves(base)


@pytest.mark.parametrize("body, status, words", [
    (b'{"text": "\\ud800"}', 422, "lone surrogate (\\\\ud800) at position 0"),
    (b'{"text": "Nguy\xe1\xbb"}', 400, "body is not valid UTF-8"),
    (b'{"text": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", 400, "JSON nested too deeply"),
    (b'{"text": "a", "lang": "vi"}', 422, "unknown field 'lang'"),
    (b'{"documents": [{"id": 1, "text": "a", "url": "x"}]}', 422, "unknown field 'documents.0.url'"),
    (b'{"text": ', 400, "body is not JSON"),
    (b'["a"]', 422, "body must be a JSON object"),
])
def test_hostile_bodies_get_clear_errors(server, body, status, words):
    base = server[0]
    r = httpx.post(base + "/predict", content=body, headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == status, r.text
    assert words in r.text
    _still_serves(base)


def test_a_stalled_half_sent_body_is_timed_out(server):
    base, port, _ = server
    head = b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    t0 = time.time()
    answer, _ = _raw(port, head + b'{"text": "Nguy', wait=15)
    assert answer.startswith(b"HTTP/1.1 408") and b"not received within 2 s" in answer
    assert time.time() - t0 < 10
    _still_serves(base)


def test_one_long_request_does_not_block_short_ones(server):
    base = server[0]
    # distinct sentences (the segmenter caches repeated ones), about 50,000 characters
    long_text = " ".join(f"Ông Nguyễn Văn Số{i} được điều động giữ chức Phó Giám đốc Sở Xây dựng tỉnh Yên Bái khóa {i}."
                         for i in range(560))
    done = {}

    def long_request():
        r = httpx.post(base + "/predict", json={"text": long_text}, timeout=120)
        done["long"] = (time.time(), r.status_code)

    t = threading.Thread(target=long_request)
    t.start()
    deadline = time.time() + 30
    while time.time() < deadline and IN_FLIGHT not in httpx.get(base + "/metrics").text:
        time.sleep(0.05)  # until the long one is in flight
    r = httpx.post(base + "/predict", json={"text": NESTED}, timeout=120)
    short_done = time.time()
    t.join(180)
    assert r.status_code == 200 and done["long"][1] == 200
    assert short_done < done["long"][0]  # the short one did not wait for the whole long one


# -- logs and metrics --------------------------------------------------------------------------------
def test_access_log_is_json_without_text_and_metrics_are_prometheus(server):
    base, _, log = server
    httpx.post(base + "/predict", json={"text": NESTED}, timeout=60)
    httpx.post(base + "/predict", json={"text": 3}, timeout=60)
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines() if x.startswith('{"time"')]
    assert lines and all({"method", "path", "status", "duration_ms", "bytes_in", "bytes_out"} <= set(x) for x in lines)
    assert any(x["path"] == "/predict" and x["status"] == 422 for x in lines)
    text = log.read_text(encoding="utf-8")
    assert "Nguyễn" not in text and "Nguy" not in text and "?text" not in text  # never the text, nor the query
    m = httpx.get(base + "/metrics").text
    assert 'vntransfer_http_requests_total{method="POST",path="/predict",status="200"}' in m
    assert 'vntransfer_http_errors_total{path="/predict",status="422"}' in m
    assert 'vntransfer_http_request_duration_seconds_bucket{le="0.5",path="/predict"}' in m


# -- graceful shutdown --------------------------------------------------------------------------------
def test_sigterm_lets_a_request_in_flight_finish(tmp_path):
    proc, base, _, log = _start(tmp_path, "--max-text-chars", "60000")
    try:
        text = " ".join(f"Bà Trần Thị Hạnh{i} được luân chuyển về Ủy ban nhân dân huyện Mường Khương {i}." for i in range(300))
        result = {}
        t = threading.Thread(target=lambda: result.update(r=httpx.post(base + "/predict", json={"text": text}, timeout=120)))
        t.start()
        deadline = time.time() + 30
        while time.time() < deadline and IN_FLIGHT not in httpx.get(base + "/metrics").text:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        t.join(120)
        assert result["r"].status_code == 200 and result["r"].json()["text"] == text
        # uvicorn finishes its shutdown, then re-raises the signal it caught (exit by SIGTERM, as supervisors expect)
        assert proc.wait(timeout=60) in (0, -signal.SIGTERM)
        assert "Finished server process" in log.read_text(encoding="utf-8")
    finally:
        _stop(proc)
