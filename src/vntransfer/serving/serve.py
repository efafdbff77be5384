"""HTTP service: `vntransfer serve` (FastAPI on uvicorn, 127.0.0.1 by default).

GET  /             a page: paste Vietnamese text, see entities, relations and transfer events, download the JSON
POST /predict      {"text": "..."} | {"texts": ["...", ...]} | {"documents": [{"id": ..., "text": ...}]}
GET  /health, /version, /metrics (Prometheus text); OpenAPI docs at /docs.

Guard rails: an optional API key (`Authorization: Bearer KEY` or `X-API-Key: KEY`; without one only a
loopback address may be bound), limits per request body (bytes, cut off while the body streams in), per
text (characters), per request (number of texts, characters), a deadline for receiving the body and one
for the prediction, one JSON access-log line per request (never the text), graceful shutdown.

The model is loaded once and shared behind a first-come-first-served lock that is taken per batch of
sentences, so a long request lets short ones through between its batches instead of holding the model
for its whole duration (benchmarks/fairness in README's "Serve" section).
"""
from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import os
import threading
import time
from collections import deque
from importlib import resources
from pathlib import Path
from typing import Optional, Union

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import __version__

MAX_BODY_BYTES = 2_000_000
MAX_TEXTS = 64
MAX_TEXT_CHARS = 100_000
MAX_REQUEST_CHARS = 500_000
REQUEST_TIMEOUT_S = 120.0
BODY_TIMEOUT_S = 30.0
GRACEFUL_TIMEOUT_S = 60.0
API_KEY_ENV = "VNTRANSFER_API_KEY"
PROTECTED = ("/predict", "/version", "/metrics")  # the page, /health and the docs stay open
KNOWN_PATHS = ("/", "/predict", "/health", "/version", "/metrics", "/docs", "/openapi.json")

access_log = logging.getLogger("vntransfer.access")


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Union[str, int] = Field(description="caller's id, echoed back")
    text: str


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Optional[str] = Field(default=None, description="one text")
    texts: Optional[list[str]] = Field(default=None, description="several texts; ids are their positions")
    documents: Optional[list[DocumentIn]] = Field(default=None, description="several texts with ids")


class PredictionTimeout(Exception):
    pass


class FairLock:
    """A lock granted in arrival order (threading.Lock is not: a thread that releases and at once
    re-acquires usually wins again, which would let one long request starve the others)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque = deque()
        self._held = False

    def acquire(self, timeout: Optional[float] = None) -> bool:
        me = object()
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._queue.append(me)
            while self._held or self._queue[0] is not me:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    self._queue.remove(me)
                    self._cond.notify_all()
                    return False
                self._cond.wait(remaining)
            self._queue.popleft()
            self._held = True
            return True

    def release(self) -> None:
        with self._cond:
            self._held = False
            self._cond.notify_all()


def bind_problem(host: str, api_key: Optional[str]) -> Optional[str]:
    """Why `host` may not be bound without an API key (None when it may)."""
    if api_key:
        return None
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return None
    except ValueError:
        pass
    return (f"refusing to listen on {host} without an API key: anyone who can reach it could use the service. "
            f"Give --api-key KEY (or set {API_KEY_ENV}), or bind a loopback address such as 127.0.0.1")


def _error(status: int, detail: str, headers: Optional[dict] = None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": detail}, headers=headers)


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err["loc"]) or "body"
        if err["type"] == "extra_forbidden":
            parts.append(f"unknown field '{where}' (a request has 'text', 'texts' or 'documents'; a document 'id' and 'text')")
        else:
            parts.append(f"'{where}': {err['msg']}")
    return "; ".join(parts)


def _inline_refs(schema: dict) -> dict:
    """The request schema with its $defs inlined, for the OpenAPI page (the endpoint reads the body itself)."""
    defs = schema.pop("$defs", {})

    def walk(x):
        if isinstance(x, dict):
            if "$ref" in x:
                return walk(defs[x["$ref"].rsplit("/", 1)[-1]])
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x

    return walk(schema)


class _Metrics:
    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()  # one per app: several apps in one process never share counts
        self.requests = Counter("vntransfer_http_requests", "HTTP requests by path and status",
                                ["method", "path", "status"], registry=self.registry)
        self.errors = Counter("vntransfer_http_errors", "HTTP answers with status >= 400 by path and status",
                              ["path", "status"], registry=self.registry)
        self.latency = Histogram("vntransfer_http_request_duration_seconds", "time from request to last byte answered",
                                 ["path"], registry=self.registry,
                                 buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120))
        self.in_progress = Gauge("vntransfer_http_requests_in_progress", "requests being answered", ["path"],
                                 registry=self.registry)

    def render(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class _Guard:
    """ASGI middleware: API key, one JSON access-log line per request, Prometheus metrics."""

    def __init__(self, app, api_key: Optional[str], metrics: _Metrics) -> None:
        self.app, self.metrics = app, metrics
        self.key = api_key.encode() if api_key else None

    def _authorised(self, headers: list) -> bool:
        given = []
        for name, value in headers:
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                given.append(value[7:].strip())
            elif name == b"x-api-key":
                given.append(value.strip())
        return any(hmac.compare_digest(g, self.key) for g in given)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        path = scope["path"] if scope["path"] in KNOWN_PATHS else "other"
        state = {"status": 500, "out": 0, "in": 0}

        async def counting_receive():
            message = await receive()
            state["in"] += len(message.get("body", b""))
            return message

        async def counting_send(message):
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
            elif message["type"] == "http.response.body":
                state["out"] += len(message.get("body", b""))
            await send(message)

        self.metrics.in_progress.labels(path).inc()
        try:
            if self.key is not None and scope["path"] in PROTECTED and not self._authorised(scope["headers"]):
                detail = "API key required: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
                await _error(401, detail, {"WWW-Authenticate": "Bearer"})(scope, counting_receive, counting_send)
            else:
                await self.app(scope, counting_receive, counting_send)
        finally:
            took = time.perf_counter() - start
            status = state["status"]
            self.metrics.in_progress.labels(path).dec()
            self.metrics.requests.labels(scope["method"], path, str(status)).inc()
            self.metrics.latency.labels(path).observe(took)
            if status >= 400:
                self.metrics.errors.labels(path, str(status)).inc()
            # the path only: never the query string (the page's ?text=) nor any body
            access_log.info(json.dumps({"time": round(time.time(), 3), "method": scope["method"], "path": scope["path"],
                                        "status": status, "duration_ms": round(took * 1000, 1),
                                        "bytes_in": state["in"], "bytes_out": state["out"],
                                        "client": (scope.get("client") or ["?"])[0]}))


def create_app(extractor=None, model_path: Optional[str] = None, max_body_bytes: int = MAX_BODY_BYTES,
               max_texts: int = MAX_TEXTS, max_text_chars: int = MAX_TEXT_CHARS,
               max_request_chars: int = MAX_REQUEST_CHARS, request_timeout: float = REQUEST_TIMEOUT_S,
               body_timeout: float = BODY_TIMEOUT_S, api_key: Optional[str] = None):
    """The ASGI app (FastAPI wrapped in the key/log/metrics guard). Its FastAPI app is `.app`."""
    import anyio

    from ..pipeline import SETTINGS, default_model_dir, load

    model_dir = Path(model_path) if model_path else default_model_dir()
    extractor = extractor if extractor is not None else load(model_dir)
    lock = FairLock()
    metrics = _Metrics()
    page = resources.files("vntransfer.serving").joinpath("web/index.html").read_text(encoding="utf-8")
    app = FastAPI(title="vntransfer", version=__version__,
                  description="Transfers of officials in Vietnamese news: SPEC.md entities, relations and events.")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        # everything is inline: nothing is fetched from anywhere but this server
        csp = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
               "img-src data:; base-uri 'none'; form-action 'none'")
        return HTMLResponse(page, headers={"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff"})

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/version")
    def version() -> dict:
        info = {"package_version": __version__, "model": str(model_dir)}
        settings = model_dir / SETTINGS
        if settings.is_file():
            meta = json.loads(settings.read_text(encoding="utf-8"))
            info.update(model_package_version=meta.get("package_version"), segmenter=meta.get("segmenter"))
        return info

    @app.get("/metrics", include_in_schema=False)
    def prometheus() -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    def run_prediction(texts: list[str], ids: list[str], deadline: float):
        held = False

        def take() -> None:
            nonlocal held
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not lock.acquire(timeout=remaining):
                raise PredictionTimeout
            held = True

        def pause() -> None:  # between batches of sentences: let whoever waits use the model
            nonlocal held
            lock.release()
            held = False
            take()

        take()
        try:
            return extractor.predict_many(texts, ids=ids, pause=pause)
        finally:
            if held:
                lock.release()

    schema = _inline_refs(PredictRequest.model_json_schema())

    @app.post("/predict", openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}})
    async def predict(request: Request):
        started = time.monotonic()
        size = request.headers.get("content-length")
        if size is not None and size.isdigit() and int(size) > max_body_bytes:
            return _error(413, f"request body over {max_body_bytes} bytes", {"Connection": "close"})
        # the body is read chunk by chunk (a chunked upload has no content-length): cut off as soon as it
        # crosses the limit, and within a deadline (a client that stalls half-way does not hold a slot)
        chunks, received = [], 0
        stream = request.stream().__aiter__()
        while True:
            remaining = started + body_timeout - time.monotonic()
            try:
                chunk = await asyncio.wait_for(stream.__anext__(), timeout=max(remaining, 0.001))
            except StopAsyncIteration:
                break
            except asyncio.TimeoutError:
                return _error(408, f"request body not received within {body_timeout:g} s", {"Connection": "close"})
            received += len(chunk)
            if received > max_body_bytes:
                return _error(413, f"request body over {max_body_bytes} bytes", {"Connection": "close"})
            chunks.append(chunk)
        try:
            raw = b"".join(chunks).decode("utf-8")
        except UnicodeDecodeError as exc:
            return _error(400, f"body is not valid UTF-8 (byte {exc.start})")
        try:
            obj = json.loads(raw)
        except RecursionError:
            return _error(400, "JSON nested too deeply")
        except ValueError as exc:
            return _error(400, f"body is not JSON: {exc}")
        if not isinstance(obj, dict):
            return _error(422, "body must be a JSON object with 'text', 'texts' or 'documents'")
        try:
            req = PredictRequest.model_validate(obj)
        except ValidationError as exc:
            return _error(422, _validation_message(exc))
        except RecursionError:
            return _error(400, "JSON nested too deeply")
        given = [x is not None for x in (req.text, req.texts, req.documents)]
        if sum(given) != 1:
            return _error(422, "give exactly one of 'text', 'texts' or 'documents'")
        if req.text is not None:
            items, where = [("0", req.text)], ["text"]
        elif req.texts is not None:
            items = [(str(i), t) for i, t in enumerate(req.texts)]
            where = [f"texts.{i}" for i in range(len(items))]
        else:
            items = [(str(d.id), d.text) for d in req.documents]
            where = [f"documents.{i}.text" for i in range(len(items))]
        if len(items) > max_texts:
            return _error(422, f"at most {max_texts} texts per request, got {len(items)}")
        for (_, t), w in zip(items, where):
            try:
                t.encode("utf-8")
            except UnicodeEncodeError as exc:
                return _error(422, f"'{w}' holds a lone surrogate (\\u{ord(t[exc.start]):04x}) at position {exc.start}: "
                                   "not valid Unicode text")
            if len(t) > max_text_chars:
                return _error(413, f"'{w}' has {len(t)} characters; at most {max_text_chars} per text")
        total = sum(len(t) for _, t in items)
        if total > max_request_chars:
            return _error(413, f"{total} characters in one request; at most {max_request_chars}")
        try:
            docs = await anyio.to_thread.run_sync(run_prediction, [t for _, t in items], [i for i, _ in items],
                                                  started + request_timeout)
        except PredictionTimeout:
            return _error(504, f"prediction not finished within {request_timeout:g} s: send fewer or shorter texts")
        out = [d.to_dict() for d in docs]
        return JSONResponse(out[0] if req.text is not None else out)

    return _Guard(app, api_key, metrics)


def _setup_access_log() -> None:
    if not access_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False


def serve(host: str = "127.0.0.1", port: int = 8000, model: Optional[str] = None, api_key: Optional[str] = None,
          graceful_timeout: float = GRACEFUL_TIMEOUT_S, **limits) -> None:
    """Run the service; refuses (ValueError) a non-loopback host without an API key."""
    import uvicorn

    api_key = api_key or os.environ.get(API_KEY_ENV) or None
    problem = bind_problem(host, api_key)
    if problem:
        raise ValueError(problem)
    _setup_access_log()
    app = create_app(model_path=model, api_key=api_key, **limits)
    # SIGTERM/SIGINT: stop accepting, let requests in flight finish (at most graceful_timeout s), exit 0
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False,
                timeout_graceful_shutdown=graceful_timeout)
