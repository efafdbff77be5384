"""A corpus cut into numbered shards, and the shard files of its predictions (`vntransfer predict-corpus`).

The inputs (JSONL files, Parquet files, `.txt` files, folders of them) are listed in a fixed order and cut
into shards of at most `shard_size` records: shard k of a JSONL file is lines [k*S, (k+1)*S) of it (found by
a byte scan, so the text is never held by the planner), of a Parquet file rows [k*S, (k+1)*S), and of a run
of `.txt` files (consecutive in that order) S files. No other shard spans two files. The same
inputs and shard size give the same shards, so a rerun knows which ones are written.

Output, one file per shard, named by its index, written to a temporary name and renamed into place:

    OUT/manifest.json               inputs, model and settings of the run (a rerun must match them)
    OUT/parquet/part-000000.parquet SPEC.md documents as `corpus.corpus_features()` rows + `source`, `error`
    OUT/jsonl/part-000000.jsonl     the same as `vntransfer predict` writes them (with --jsonl)
    OUT/summary.json                counts, written when every shard is done
    OUT/runs.jsonl                  one line per run: shards skipped and written, workers, per-shard times

A record that cannot be read or predicted becomes an error row (its id when known, `source` = file:line for
JSONL, file:row for Parquet, the file for `.txt`, and `error`); the others go on.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator, Optional, Sequence, Union

from .. import __version__
from .records import json_line, json_type, read_request

MANIFEST = "manifest.json"
SUMMARY = "summary.json"
FORMAT = 1  # of the output folder
SUFFIXES = (".jsonl", ".parquet", ".txt")


class CorpusError(ValueError):
    """An input that cannot be planned (missing, of an unknown kind) or an output folder of another run."""


@dataclass(frozen=True)
class Shard:
    """Where the records of shard `index` are: `kind` jsonl (bytes [start, stop) of `path`, its first line
    numbered `first`), parquet (rows [start, stop) of `path`), txt (`files`, with their document `ids`) or
    unreadable (`path` could not be opened: `error` says why; it becomes one error row)."""

    index: int
    kind: str
    path: Optional[str] = None
    start: int = 0
    stop: int = 0
    first: int = 1
    files: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    error: Optional[str] = None

    def to_row(self) -> dict:
        return {**asdict(self), "files": list(self.files), "ids": list(self.ids)}

    @classmethod
    def from_row(cls, row: dict) -> "Shard":
        return cls(**{**row, "files": tuple(row.get("files") or ()), "ids": tuple(row.get("ids") or ())})


# -- planning ---------------------------------------------------------------------------------------

def list_inputs(inputs: Sequence[Union[str, Path]]) -> list[tuple[Path, str]]:
    """(file, document id for a `.txt` file else "") for every input file, in the order given; a folder's
    JSONL, Parquet and `.txt` files are taken in sorted order, recursively (symlinked folders not entered).
    A `.txt` file's id is its path under the folder without the suffix (its stem when given directly)."""
    out: list[tuple[Path, str]] = []
    for given in map(Path, inputs):
        if given.is_dir():
            found = []
            for root, dirs, files in os.walk(given):
                dirs.sort()
                for name in files:
                    p = Path(root) / name
                    if p.suffix in SUFFIXES:
                        found.append(p)
            for p in sorted(found, key=lambda p: p.relative_to(given).parts):
                out.append((p, p.relative_to(given).with_suffix("").as_posix() if p.suffix == ".txt" else ""))
        elif given.exists() or given.is_symlink():
            if given.suffix not in SUFFIXES:
                raise CorpusError(f"{given}: not a .jsonl, .parquet or .txt file, nor a folder")
            out.append((given, given.stem if given.suffix == ".txt" else ""))
        else:
            raise CorpusError(f"{given}: no such file or folder")
    return out


def plan_shards(inputs: Sequence[Union[str, Path]], shard_size: int) -> list[Shard]:
    """The shards of `inputs`, numbered from 0 in input order (see the module's docstring)."""
    if shard_size < 1:
        raise CorpusError(f"shard size must be >= 1, got {shard_size}")
    shards: list[Shard] = []
    texts: list[tuple[str, str]] = []  # pending run of .txt files

    def add(**kw) -> None:
        shards.append(Shard(index=len(shards), **kw))

    def flush_texts() -> None:
        for lo in range(0, len(texts), shard_size):
            chunk = texts[lo:lo + shard_size]
            add(kind="txt", files=tuple(f for f, _ in chunk), ids=tuple(i for _, i in chunk))
        texts.clear()

    for path, ident in list_inputs(inputs):
        if path.suffix == ".txt":
            texts.append((str(path), ident))
            continue
        flush_texts()
        try:
            if path.suffix == ".jsonl":
                for start, stop, first in _jsonl_ranges(path, shard_size):
                    add(kind="jsonl", path=str(path), start=start, stop=stop, first=first)
            else:
                for start, stop in _parquet_ranges(path, shard_size):
                    add(kind="parquet", path=str(path), start=start, stop=stop)
        except (OSError, CorpusError) as exc:
            add(kind="unreadable", path=str(path), error=_reason(path, exc))
    flush_texts()
    return shards


def _reason(path: Path, exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{path}: cannot read: {exc.strerror}"
    return f"{path}: {exc}"


def _jsonl_ranges(path: Path, shard_size: int) -> Iterator[tuple[int, int, int]]:
    """(first byte, end byte, first line number) of every run of `shard_size` lines."""
    with open(path, "rb") as f:
        start = pos = 0
        n = 0
        for line in f:
            n += 1
            pos += len(line)
            if n % shard_size == 0:
                yield start, pos, n - shard_size + 1
                start = pos
        if n % shard_size:
            yield start, pos, n - n % shard_size + 1


def _parquet_ranges(path: Path, shard_size: int) -> Iterator[tuple[int, int]]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except OSError:
        raise
    except Exception as exc:  # pyarrow.ArrowInvalid: not a Parquet file
        raise CorpusError(f"not a readable Parquet file ({exc})") from None
    missing = [c for c in ("id", "text") if c not in pf.schema_arrow.names]
    if missing:
        raise CorpusError(f"no {' and no '.join(repr(c) for c in missing)} column (columns: {', '.join(pf.schema_arrow.names)})")
    rows = pf.metadata.num_rows
    for lo in range(0, rows, shard_size):
        yield lo, min(rows, lo + shard_size)


# -- reading a shard --------------------------------------------------------------------------------

def read_shard(shard: Shard) -> Iterator[dict]:
    """The shard's records in order: {"id", "source", "text"} or {"id", "source", "error"}."""
    if shard.kind == "unreadable":
        yield {"id": None, "source": shard.path, "error": shard.error}
    elif shard.kind == "jsonl":
        yield from _read_jsonl(shard)
    elif shard.kind == "parquet":
        yield from _read_parquet(shard)
    elif shard.kind == "txt":
        for path, ident in zip(shard.files, shard.ids):
            try:
                with open(path, encoding="utf-8", newline="") as fh:
                    yield {"id": ident, "source": path, "text": fh.read()}
            except (OSError, UnicodeDecodeError) as exc:
                yield {"id": ident, "source": path, "error": _reason(Path(path), exc) if isinstance(exc, OSError)
                       else f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})"}
    else:
        raise ValueError(f"shard {shard.index}: unknown kind {shard.kind!r}")


def _read_jsonl(shard: Shard) -> Iterator[dict]:
    """The lines of the shard read exactly as `vntransfer predict` reads them (`records.read_request`)."""

    try:
        f = open(shard.path, "rb")
    except OSError as exc:
        yield {"id": None, "source": shard.path, "error": _reason(Path(shard.path), exc)}
        return
    with f:
        f.seek(shard.start)
        pos, n = shard.start, shard.first
        while pos < shard.stop:
            line = f.readline()
            if not line:  # the file shrank since it was planned
                yield {"id": None, "source": f"{shard.path}:{n}",
                       "error": f"{shard.path}: ends before line {n} (changed since the run was planned)"}
                return
            pos += len(line)
            record = read_request(line.removesuffix(b"\n"), n)
            yield {**record, "source": f"{shard.path}:{n}"}
            n += 1


def _read_parquet(shard: Shard) -> Iterator[dict]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(shard.path)
        groups, first_row, lo = [], None, 0
        for g in range(pf.metadata.num_row_groups):
            hi = lo + pf.metadata.row_group(g).num_rows
            if lo < shard.stop and hi > shard.start:
                groups.append(g)
                first_row = lo if first_row is None else first_row
            lo = hi
        table = pf.read_row_groups(groups, columns=["id", "text"]) if groups else None
    except Exception as exc:  # OSError, pyarrow.ArrowInvalid
        yield {"id": None, "source": shard.path, "error": _reason(Path(shard.path), exc)}
        return
    rows = table.slice(shard.start - first_row, shard.stop - shard.start).to_pylist() if table is not None else []
    for k, row in enumerate(rows, start=shard.start + 1):
        yield {**_check_row(row, k), "source": f"{shard.path}:{k}"}


def _check_row(row: dict, k: int) -> dict:

    ident, text = row.get("id"), row.get("text")
    if ident is None:
        return {"id": None, "error": f"row {k}: missing 'id'"}
    if not isinstance(ident, (str, int)) or isinstance(ident, bool):
        return {"id": None, "error": f"row {k}: 'id' must be a string or integer, got {json_type(ident)}"}
    if text is None:
        return {"id": ident, "error": f"row {k}: missing 'text'"}
    if not isinstance(text, str):
        return {"id": ident, "error": f"row {k}: 'text' must be a string, got {json_type(text)}"}
    return {"id": ident, "text": text}


# -- predicting and writing a shard -----------------------------------------------------------------

def predict_records(extractor, records: list[dict], batch_size: int) -> list[dict]:
    """Each record with its Document ("document") or an "error"; a text the model fails on is retried
    alone, so that one bad text costs one record (as in `vntransfer predict`)."""
    todo = [r for r in records if "error" not in r]
    texts, ids = [r["text"] for r in todo], [str(r["id"]) for r in todo]
    from ..pipeline import predict_each

    docs = predict_each(extractor, texts, ids, batch_size=batch_size)
    out, done = [], iter(docs)
    for r in records:
        if "error" in r:
            out.append(r)
            continue
        doc = next(done)
        if isinstance(doc, Exception):
            out.append({"id": r["id"], "source": r["source"],
                        "error": f"{r['source']}: prediction failed: {type(doc).__name__}: {doc}"})
        else:
            out.append({"id": r["id"], "source": r["source"], "document": doc})
    return out


def output_schema():
    """The Parquet schema of the shard files: `corpus_features()` + `source` + `error`."""
    import pyarrow as pa

    from ..annotation.corpus import corpus_features

    schema = corpus_features().arrow_schema
    return pa.schema(list(schema) + [pa.field("source", pa.string()), pa.field("error", pa.string())])


def output_row(result: dict) -> dict:
    from ..annotation.corpus import document_row

    if "document" in result:
        return {**document_row(result["document"]), "source": result["source"], "error": None}
    ident = result.get("id")
    return {"id": None if ident is None else str(ident), "text": None, "entities": [], "relations": [], "events": [],
            "meta": None, "source": result["source"], "error": result["error"]}


def jsonl_line(result: dict) -> bytes:
    """The line `vntransfer predict` writes for this record (the id keeps its JSON type); error lines also
    carry the `source`."""

    if "document" in result:
        return json_line({**result["document"].to_dict(), "id": result["id"]})
    return json_line({"id": result.get("id"), "error": result["error"], "source": result["source"]})


def shard_name(index: int, suffix: str) -> str:
    return f"part-{index:06d}{suffix}"


def write_shard(out: Union[str, Path], index: int, results: list[dict], jsonl: bool) -> None:
    """Write shard `index` (its JSONL first, the Parquet file last: a shard whose Parquet file exists is done)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    if jsonl:
        _atomic(out / "jsonl" / shard_name(index, ".jsonl"),
                lambda p: Path(p).write_bytes(b"".join(jsonl_line(r) for r in results)))
    table = pa.Table.from_pylist([output_row(r) for r in results], schema=output_schema())
    _atomic(out / "parquet" / shard_name(index, ".parquet"), lambda p: pq.write_table(table, p))


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; the output is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def written_shards(out: Union[str, Path], jsonl: bool) -> set[int]:
    """Indices of the shards whose files are all in `out`; leftovers of a killed run (temporary files) are removed."""
    out = Path(out)
    done = set()
    for sub in ("parquet", "jsonl"):
        for tmp in (out / sub).glob(".part-*.tmp") if (out / sub).is_dir() else ():
            tmp.unlink(missing_ok=True)
    for p in (out / "parquet").glob("part-*.parquet") if (out / "parquet").is_dir() else ():
        index = int(p.stem.split("-")[1])
        if not jsonl or (out / "jsonl" / shard_name(index, ".jsonl")).is_file():
            done.add(index)
    return done


def read_output(out: Union[str, Path]):
    """All shard files of `out` as one `pyarrow.Table`, in input order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted((Path(out) / "parquet").glob("part-*.parquet"))
    return pa.concat_tables([pq.read_table(p, schema=output_schema()) for p in files]) if files else \
        output_schema().empty_table()


# -- the manifest -----------------------------------------------------------------------------------

def input_fingerprint(shards: list[Shard]) -> str:
    """A digest of every input file's resolved path, size and modification time, and of the shard plan."""
    h = hashlib.sha256()
    files = []
    for s in shards:
        files.extend(s.files if s.kind == "txt" else [s.path])
    for f in dict.fromkeys(files):
        try:
            st = os.stat(f)
            h.update(json.dumps([str(Path(f).resolve()), st.st_size, st.st_mtime_ns]).encode())
        except OSError:
            h.update(json.dumps([str(Path(f).resolve()), None]).encode())
    h.update(json.dumps([s.to_row() for s in shards], sort_keys=True).encode())
    return h.hexdigest()


def model_fingerprint(model_dir: Union[str, Path]) -> dict:
    """The model's files (names and SHA-256 of their contents) as one digest, and its recorded weights digest."""
    model_dir = Path(model_dir)
    h = hashlib.sha256()
    for p in sorted(x for x in model_dir.iterdir() if x.is_file()):
        h.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).hexdigest().encode())
    weights = None
    try:
        weights = json.loads((model_dir / "vntransfer.json").read_text(encoding="utf-8")).get("weights_sha256")
    except (OSError, ValueError):
        pass
    return {"files_sha256": h.hexdigest(), "weights_sha256": weights}


def make_manifest(shards: list[Shard], model_dir: Union[str, Path], shard_size: int, batch_size: int, jsonl: bool) -> dict:
    return {
        "format": FORMAT,
        "package_version": __version__,
        "input": {"fingerprint": input_fingerprint(shards), "shards": len(shards)},
        "model": {"path": str(Path(model_dir).resolve()), **model_fingerprint(model_dir)},
        "settings": {"shard_size": shard_size, "batch_size": batch_size, "jsonl": jsonl},
    }


def claim_output(out: Union[str, Path], manifest: dict) -> None:
    """Make `out` the folder of this run: a new or empty folder gets the manifest; a folder of the same run
    (same inputs, model and settings) is resumed; any other folder is refused with what differs."""
    out = Path(out)
    path = out / MANIFEST
    if path.is_file():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CorpusError(f"{path}: unreadable ({exc}); choose another --out") from None
        differs = [_what(key) for key in ("format", "input", "model", "settings")
                   if _comparable(old.get(key), key) != _comparable(manifest[key], key)]
        if differs:
            raise CorpusError(f"{out}: holds the output of another run (not the same: {'; '.join(differs)}); "
                              "choose another --out, or remove it to start again")
        return
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CorpusError(f"{out}: exists and is not an output folder of predict-corpus (no {MANIFEST}); "
                          "choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    _atomic(path, lambda p: Path(p).write_text(json.dumps(manifest, indent=1), encoding="utf-8"))


def _comparable(value, key):
    if key == "model" and isinstance(value, dict):  # the same model moved elsewhere is the same model
        return {k: v for k, v in value.items() if k != "path"}
    return value


def _what(key: str) -> str:
    return {"format": "the output format", "input": "the input files or shard plan", "model": "the model",
            "settings": "the settings (shard size, batch size, --jsonl)"}[key]


def write_summary(out: Union[str, Path], summary: dict) -> None:
    _atomic(Path(out) / SUMMARY, lambda p: Path(p).write_text(json.dumps(summary, indent=1), encoding="utf-8"))
