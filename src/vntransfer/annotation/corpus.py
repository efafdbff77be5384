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
    for path, problem in _walk(paths):
        if problem is None:
            yield path


def _walk(paths: Iterable[Union[str, Path]]) -> Iterator[tuple[Path, Optional[str]]]:
    """(path, None) for each file to read; (path, problem) for a link under a folder that cannot be followed.
    Symlinked folders are not entered (a link to an enclosing folder is reported as a loop)."""
    import errno

    for p in map(Path, paths):
        if not p.is_dir():
            yield p, None
            continue
        for x in sorted(p.rglob("*")):
            if x.is_symlink():
                try:
                    target = x.resolve(strict=True)
                except RuntimeError:  # Python < 3.13 reports a loop this way
                    yield x, "symlink loop; not followed"
                    continue
                except OSError as exc:
                    if exc.errno == errno.ELOOP:
                        yield x, "symlink loop; not followed"
                    elif x.suffix in (".json", ".jsonl"):
                        yield x, "broken symlink (its target does not exist)"
                    continue
                if target.is_dir():
                    if x.parent.resolve() == target or target in x.parent.resolve().parents:
                        yield x, "symlink loop (a link to an enclosing folder); not followed"
                    continue
            if x.suffix in (".json", ".jsonl") and x.is_file():
                yield x, None


def read_records(paths: Iterable[Union[str, Path]]) -> Iterator[Record]:
    """Every document under `paths`; unreadable ones (missing, not UTF-8, bad JSON, nested too deeply, a
    symlink loop) come back as records with an `error`, and reading goes on. Files are read as bytes and
    each JSONL line decoded on its own, so one bad byte costs one line."""
    for path, problem in _walk(paths):
        if problem is not None:
            yield Record(str(path), error=problem)
            continue
        if not path.exists():
            yield Record(str(path), error="no such file")
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Record(str(path), error=f"cannot read: {exc.strerror or exc}")
            continue
        if path.suffix == ".jsonl":
            for n, line in enumerate(data.split(b"\n"), start=1):
                if line.strip():
                    yield _parse(line, f"{path}:{n}")
        else:
            yield _parse(data, str(path))


def _parse(raw: Union[bytes, str], source: str) -> Record:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return Record(source, error=f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at byte offset {exc.start})")
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return Record(source, error=f"invalid JSON: {exc}")
    except RecursionError:
        return Record(source, error="invalid JSON: nested too deeply")
    except ValueError as exc:  # e.g. an integer too long to convert
        return Record(source, error=f"invalid JSON: {exc}")
    element = obj.get("id", "document") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else "document"
    try:
        return Record(source, document=Document.from_dict(obj), element=element)
    except AnnotationFormatError as exc:
        message = str(exc)
        if message.startswith(f"{element}: "):  # the element is printed once, in front
            message = message[len(element) + 2:]
        return Record(source, error=message, element=element)
    except RecursionError:
        return Record(source, error="nested too deeply", element=element)


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


# -- Hugging Face datasets -------------------------------------------------------------------------
def corpus_features():
    """The `datasets.Features` of a corpus: one row per document, SPEC.md's fields as typed columns
    (entities, relations and events as lists of structs; `score` null on gold; `meta` as a JSON string,
    its content being free)."""
    from datasets import Features, Value

    string, offset, score = Value("string"), Value("int32"), Value("float64")
    slot = {"position": string, "body": string}
    return Features({
        "id": string,
        "text": string,
        "entities": [{"id": string, "type": string, "start": offset, "end": offset, "text": string, "score": score}],
        "relations": [{"id": string, "type": string, "head": string, "tail": string, "score": score}],
        "events": [{"id": string, "type": string, "trigger": {"start": offset, "end": offset, "text": string},
                    "person": string, "from": [slot], "to": [slot], "destination": [string], "score": score}],
        "meta": string,
    })


def document_row(doc: Document) -> dict:
    """A Document as a row of `corpus_features()`."""
    d = doc.to_dict()
    for key in ("entities", "relations", "events"):
        for item in d[key]:
            item.setdefault("score", None)
    d["meta"] = json.dumps(d.get("meta", {}), ensure_ascii=False, sort_keys=True)
    return d


def row_document(row: dict) -> Document:
    """A row of `corpus_features()` back as a Document (the inverse of `document_row`)."""
    d = dict(row)
    d["meta"] = json.loads(d.get("meta") or "{}")
    for key in ("entities", "relations", "events"):
        d[key] = [{k: v for k, v in item.items() if not (k == "score" and v is None)} for item in d.get(key) or []]
    return Document.from_dict(d)


def load_corpus(paths: Union[str, Path, Iterable[Union[str, Path]]]):
    """SPEC.md documents as a `datasets.Dataset` with explicit `corpus_features()`. `paths`: JSON files (one
    document each), JSONL files (one a line) and folders (every *.json and *.jsonl under them, recursively),
    read by `load_documents`, so a bad document raises `AnnotationFormatError` naming its file and id."""
    from datasets import Dataset

    if isinstance(paths, (str, Path)):
        paths = [paths]
    docs = load_documents(paths)
    return Dataset.from_list([document_row(d) for d in docs], features=corpus_features())


def dataset_documents(dataset) -> list[Document]:
    """The Documents of a Dataset made by `load_corpus` / `vntransfer export` (Arrow or Parquet)."""
    return [row_document(row) for row in dataset]
