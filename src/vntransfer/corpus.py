"""Reading and writing SPEC.md documents: one JSON file, a JSONL file, or folders of them."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from .document import AnnotationFormatError, Document


@dataclass(frozen=True)
class Record:
    """One document read from `source` (a file, or `file:line` for JSONL), or the error it gave."""

    source: str
    document: Optional[Document] = None
    error: Optional[str] = None
    element: str = "document"


def iter_files(paths: Iterable[Union[str, Path]]) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(x for x in p.rglob("*") if x.suffix in (".json", ".jsonl") and x.is_file())
        else:
            yield p


def read_records(paths: Iterable[Union[str, Path]]) -> Iterator[Record]:
    """Every document under `paths`; unreadable ones come back as records with an `error`."""
    for path in iter_files(paths):
        if not path.exists():
            yield Record(str(path), error="no such file")
            continue
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as f:
                for n, line in enumerate(f, start=1):
                    if line.strip():
                        yield _parse(line, f"{path}:{n}")
        else:
            yield _parse(path.read_text(encoding="utf-8"), str(path))


def _parse(raw: str, source: str) -> Record:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return Record(source, error=f"invalid JSON: {exc}")
    element = obj.get("id", "document") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else "document"
    try:
        return Record(source, document=Document.from_dict(obj), element=element)
    except AnnotationFormatError as exc:
        message = str(exc)
        if message.startswith(f"{element}: "):  # the element is printed once, in front
            message = message[len(element) + 2:]
        return Record(source, error=message, element=element)


def load_documents(paths: Iterable[Union[str, Path]]) -> list[Document]:
    """All documents under `paths`; raises `AnnotationFormatError` naming the file and id on the first bad one."""
    docs = []
    for rec in read_records(paths):
        if rec.error:
            raise AnnotationFormatError(f"{rec.source}: {rec.element}: {rec.error}")
        docs.append(rec.document)
    return docs


def write_document(doc: Document, path: Union[str, Path]) -> None:
    Path(path).write_text(json.dumps(doc.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
