"""HTTP service: `vntransfer serve` (FastAPI on uvicorn, 127.0.0.1 by default).

POST /predict  {"text": "..."} | {"texts": ["...", ...]} | {"documents": [{"id": ..., "text": ...}]}
GET  /health, GET /version; OpenAPI docs at /docs. The model is loaded once and shared; a lock
serialises inference so concurrent requests never interleave inside the model.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Optional, Union

from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

from . import __version__

MAX_BODY_BYTES = 2_000_000
MAX_TEXTS = 64


class DocumentIn(BaseModel):
    id: Union[str, int] = Field(description="caller's id, echoed back")
    text: str


class PredictRequest(BaseModel):
    text: Optional[str] = Field(default=None, description="one text")
    texts: Optional[list[str]] = Field(default=None, description="several texts; ids are their positions")
    documents: Optional[list[DocumentIn]] = Field(default=None, description="several texts with ids")


def create_app(extractor=None, model_path: Optional[str] = None, max_body_bytes: int = MAX_BODY_BYTES,
               max_texts: int = MAX_TEXTS) -> FastAPI:
    from .pipeline import SETTINGS, default_model_dir, load

    model_dir = Path(model_path) if model_path else default_model_dir()
    extractor = extractor if extractor is not None else load(model_dir)
    lock = threading.Lock()
    app = FastAPI(title="vntransfer", version=__version__,
                  description="Transfers of officials in Vietnamese news: SPEC.md entities, relations and events.")

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        size = request.headers.get("content-length")
        if size is not None and size.isdigit() and int(size) > max_body_bytes:
            from fastapi.responses import JSONResponse

            return JSONResponse(status_code=413, content={"detail": f"request body over {max_body_bytes} bytes"})
        return await call_next(request)

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

    @app.post("/predict")
    def predict(request: PredictRequest):
        given = [x is not None for x in (request.text, request.texts, request.documents)]
        if sum(given) != 1:
            raise HTTPException(status_code=422, detail="give exactly one of 'text', 'texts' or 'documents'")
        if request.text is not None:
            items = [("0", request.text)]
        elif request.texts is not None:
            items = [(str(i), t) for i, t in enumerate(request.texts)]
        else:
            items = [(str(d.id), d.text) for d in request.documents]
        if len(items) > max_texts:
            raise HTTPException(status_code=422, detail=f"at most {max_texts} texts per request, got {len(items)}")
        if sum(len(t) for _, t in items) * 4 > max_body_bytes:  # bytes of UTF-8 at worst
            raise HTTPException(status_code=413, detail="texts too long for one request")
        with lock:
            docs = extractor.predict_many([t for _, t in items], ids=[i for i, _ in items])
        out = [d.to_dict() for d in docs]
        return out[0] if request.text is not None else out

    return app


def serve(host: str = "127.0.0.1", port: int = 8000, model: Optional[str] = None) -> None:
    import uvicorn

    uvicorn.run(create_app(model_path=model), host=host, port=port, log_level="info")
