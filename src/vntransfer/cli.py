"""The `vntransfer` command line (also `python -m vntransfer`)."""
from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

from .annotation.corpus import load_documents, read_records, write_document
from .serving.records import json_line, read_request


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def cmd_validate(args: argparse.Namespace) -> int:
    n_docs = n_problems = 0
    for rec in read_records(args.paths):
        if rec.error:
            print(f"{rec.source}: {rec.element}: {rec.error}")
            n_problems += 1
            continue
        from .annotation.validation import validate_document

        n_docs += 1
        for p in validate_document(rec.document):
            print(p.format(rec.source))
            n_problems += 1
    if n_docs == 0 and n_problems == 0:
        print("no documents found under: " + " ".join(args.paths), file=sys.stderr)
        return 2
    print(f"{_count(n_docs, 'document')}, {_count(n_problems, 'problem')}", file=sys.stderr)
    return 1 if n_problems else 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .annotation.stats import stats_table

    print(stats_table(load_documents(args.paths)))
    return 0


def cmd_to_brat(args: argparse.Namespace) -> int:
    from .annotation.formats.brat import export_brat, write_config

    out = Path(args.out)
    for doc in load_documents(args.paths):
        export_brat(doc, out)
    write_config(out)
    print(f"wrote BRAT files and annotation.conf to {out}", file=sys.stderr)
    return 0


def cmd_from_brat(args: argparse.Namespace) -> int:
    """Every problem is reported as `file: id: line N: problem`; a document with problems is not written."""
    from .annotation.formats.brat import check_brat, read_brat_files

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"error: {folder}: no such folder", file=sys.stderr)
        return 2
    anns = sorted(folder.glob("*.ann"))
    if not anns:
        print(f"error: {folder}: no .ann files", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    n_docs = n_problems = 0
    for ann in anns:
        try:
            txt, ann_text = read_brat_files(ann)
        except UnicodeDecodeError as exc:
            print(exc.reason)
            n_problems += 1
            continue
        except OSError as exc:
            print(f"{exc.filename or ann}: cannot read: {exc.strerror or exc}")
            n_problems += 1
            continue
        doc, problems = check_brat(ann.stem, txt, ann_text)
        for p in problems:
            print(p.format(str(ann)))
        n_problems += len(problems)
        if doc is not None:
            write_document(doc, out / f"{ann.stem}.json")
            n_docs += 1
    print(f"{_count(n_docs, 'document')} written to {out}, {_count(n_problems, 'problem')}", file=sys.stderr)
    return 1 if n_problems else 0


def cmd_from_markup(args: argparse.Namespace) -> int:
    from .annotation.formats.markup import MarkupError, parse_markup
    from .annotation.validation import validate_document

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    meta = dict(kv.split("=", 1) for kv in args.meta)
    n_docs = n_problems = 0
    for path in args.files:
        try:
            docs = list(parse_markup(Path(path).read_text(encoding="utf-8"), Path(path).stem))
        except (MarkupError, UnicodeDecodeError) as exc:
            print(f"{path}: {exc}")
            n_problems += 1
            continue
        for doc in docs:
            problems = validate_document(doc)
            for p in problems:
                print(p.format(path))
            n_problems += len(problems)
            if not problems:
                write_document(replace(doc, meta={**doc.meta, **meta}), out / f"{doc.id}.json")
                n_docs += 1
    print(f"{n_docs} documents written to {out}, {n_problems} problems", file=sys.stderr)
    return 1 if n_problems else 0


def cmd_to_bio(args: argparse.Namespace) -> int:
    from .annotation.formats.bio import write_conll

    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    for doc in load_documents(args.paths):
        out.write(write_conll(doc) + "\n")
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    from .evaluation.agreement import agreement_between

    table = agreement_between(args.pass_a, args.pass_b)
    if args.update:
        path = Path(args.update)
        text = path.read_text(encoding="utf-8")
        new, n = re.subn(r"(<!-- agreement:start -->\n).*?(<!-- agreement:end -->)",
                         lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
        if n != 1:
            print(f"{path}: no <!-- agreement:start --> ... <!-- agreement:end --> block", file=sys.stderr)
            return 1
        path.write_text(new, encoding="utf-8")
    print(table)
    return 0


def _writable_file(path: Path) -> "str | None":
    """Why `path` cannot be written (without creating or truncating it), or None."""
    import os

    if path.is_dir():
        return "is a folder"
    if path.exists():
        return None if os.access(path, os.W_OK) else "not writable"
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        return f"its folder {parent} does not exist"
    return None if os.access(parent, os.W_OK) else f"its folder {parent} is not writable"


def _writable_dir(path: Path) -> "str | None":
    """Why files cannot be written in `path` (which is created), or None."""
    import tempfile

    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _same_file(a: Path, b: Path) -> bool:
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def cmd_predict(args: argparse.Namespace) -> int:
    """SPEC.md batch prediction: JSONL in, one Document JSON (or an error record) per line out.
    Plain .txt files given as arguments are predicted into --output-dir as <stem>.json.
    Input and output are checked before the model is loaded; problems with them exit 2."""
    if args.files:
        return _predict_files(args)
    stdin = args.input in (None, "-")
    stdout = args.output in (None, "-")
    if not stdin and not stdout and (_same_file(Path(args.input), Path(args.output))
                                     or Path(args.input).resolve() == Path(args.output).resolve()):
        print(f"error: --input and --output are the same file ({args.output}); the input would be overwritten",
              file=sys.stderr)
        return 2
    if stdin:
        src = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
    else:
        try:
            src = open(args.input, "rb")
        except OSError as exc:
            print(f"error: cannot read --input {args.input}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    if not stdout:
        why = _writable_file(Path(args.output))
        if why:
            print(f"error: cannot write --output {args.output}: {why}", file=sys.stderr)
            return 2

    from .pipeline import load

    extractor = load(args.model)
    if stdout:
        dst = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
    else:
        dst = open(args.output, "wb")
    try:
        return _predict_lines(extractor, src, dst, args.batch_size)
    finally:
        if not stdin:
            src.close()
        if not stdout:
            dst.close()


def _predict_lines(extractor, src, dst, batch_size: int) -> int:
    """One output line per input line, in order: a document or an error record."""
    failed = 0
    pending: list[tuple[int, dict]] = []  # (line number, request or error record)
    seen: dict[object, list[int]] = {}

    def write(obj: dict) -> None:
        line = json_line(obj)
        if dst is None:  # a text stdout without a byte buffer (e.g. captured)
            sys.stdout.write(line.decode("utf-8"))
        else:
            dst.write(line)

    def flush() -> None:
        nonlocal failed
        todo = [(n, r) for n, r in pending if "error" not in r]
        texts, ids = [r["text"] for _, r in todo], [str(r["id"]) for _, r in todo]
        from .pipeline import predict_each

        docs = predict_each(extractor, texts, ids, batch_size=batch_size)  # one bad text costs only itself
        by_line = dict(zip((n for n, _ in todo), docs))
        for n, r in pending:
            out = by_line.get(n)
            if isinstance(out, Exception):
                r = {"id": r["id"], "error": f"line {n}: prediction failed: {type(out).__name__}: {out}"}
                print(r["error"], file=sys.stderr)
                failed += 1
                out = None
            if out is not None:
                r = {**out.to_dict(), "id": r["id"]}  # the id keeps its JSON type
            write(r)
        (dst or sys.stdout).flush()
        pending.clear()

    for n, line in enumerate(src, start=1):
        if isinstance(line, bytes):
            line = line.removesuffix(b"\n")
        else:
            line = line.removesuffix("\n")
        record = read_request(line, n)
        if "error" in record:
            print(record["error"], file=sys.stderr)
            failed += 1
        if record["id"] is not None:
            seen.setdefault(record["id"], []).append(n)
        pending.append((n, record))
        if len(pending) >= batch_size:
            flush()
    flush()
    duplicates = {k: v for k, v in seen.items() if len(v) > 1}
    if duplicates:
        shown = "; ".join(f"{k!r} on lines {', '.join(map(str, v))}" for k, v in list(duplicates.items())[:20])
        more = f" and {len(duplicates) - 20} more" if len(duplicates) > 20 else ""
        print(f"warning: {_count(len(duplicates), 'id')} used more than once (each line still gets its own output "
              f"line): {shown}{more}", file=sys.stderr)
    if failed:
        print(f"{failed} line(s) failed", file=sys.stderr)
    return 1 if failed else 0


def _predict_files(args: argparse.Namespace) -> int:
    if args.input or args.output:
        print("error: give plain-text files with --output-dir, or JSONL with --input/--output, not both",
              file=sys.stderr)
        return 2
    if not args.output_dir:
        print("error: plain-text files need --output-dir (one <name>.json per file is written there)", file=sys.stderr)
        return 2
    out_dir = Path(args.output_dir)
    why = _writable_dir(out_dir)
    if why:
        print(f"error: cannot write in --output-dir {out_dir}: {why}", file=sys.stderr)
        return 2
    paths = [Path(f) for f in args.files]
    stems: dict[str, list[str]] = {}
    for path in paths:
        stems.setdefault(path.stem, []).append(str(path))
    clashes = {k: v for k, v in stems.items() if len(v) > 1}
    if clashes:
        print("error: files with the same name would overwrite each other's output: "
              + "; ".join(" and ".join(v) for v in clashes.values()), file=sys.stderr)
        return 2
    for path in paths:
        if _same_file(path, out_dir / f"{path.stem}.json"):
            print(f"error: {path} would be overwritten by its own prediction", file=sys.stderr)
            return 2
    failed = 0
    readable = []
    for path in paths:  # checked before the model is loaded
        try:
            with path.open("rb"):
                readable.append(path)
        except OSError as exc:
            print(f"{path}: {exc.strerror or exc}", file=sys.stderr)
            failed += 1
    if not readable:
        print("error: none of the files can be read", file=sys.stderr)
        return 2

    from .pipeline import load

    extractor = load(args.model)
    for path in readable:
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            failed += 1
            continue
        write_document(extractor.predict(text, id=path.stem), out_dir / f"{path.stem}.json")
    if failed:
        print(f"{failed} file(s) failed", file=sys.stderr)
    return 1 if failed else 0


def cmd_generate(args: argparse.Namespace) -> int:
    import json

    from .synthetic.corpus import generate
    from .annotation.validation import validate_document

    docs = generate(args.n, seed=args.seed)
    bad = [(d.id, p) for d in docs for p in validate_document(d)]
    for ident, p in bad:
        print(f"{ident}: {p.element}: {p.message}", file=sys.stderr)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")
    print(f"{len(docs)} documents, {sum(len(d.events) for d in docs)} events -> {out}", file=sys.stderr)
    return 1 if bad else 0


def cmd_pretrain(args: argparse.Namespace) -> int:
    import logging

    from .training.pretraining import corpus_lines, pretrain

    logging.basicConfig(level=logging.INFO)
    lines = corpus_lines(args.sources, include_package_text=not args.no_package_text)
    print(f"{len(lines)} segmented lines", file=sys.stderr)
    pretrain(args.out, lines, steps=args.steps, batch_size=args.batch_size, hidden_size=args.hidden_size,
             num_layers=args.layers, vocab_size=args.vocab_size, seed=args.seed, sources=list(args.sources),
             package_text=not args.no_package_text)
    return 0


def cmd_init_encoder(args: argparse.Namespace) -> int:
    from .model.phobert import find_tokenizer_dir, init_encoder

    folder = args.tokenizer or find_tokenizer_dir()
    if folder is None:
        print("error: no --tokenizer given and no PhoBERT tokenizer folder found ($VNTRANSFER_PHOBERT_TOKENIZER "
              "or ../shared/phobert-tokenizer)", file=sys.stderr)
        return 2
    overrides = {k: v for k, v in (("hidden_size", args.hidden_size), ("num_hidden_layers", args.layers),
                                   ("num_attention_heads", args.heads), ("intermediate_size", args.intermediate_size))
                 if v is not None}
    out = init_encoder(folder, args.out, like=args.like, seed=args.seed, **overrides)
    print(f"randomly initialised {args.like}-shaped encoder with the tokenizer of {folder} -> {out}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serving.serve import API_KEY_ENV, bind_problem, serve

    problem = bind_problem(args.host, args.api_key or os.environ.get(API_KEY_ENV))
    if problem:  # before the model loads: a refusal is immediate
        print(f"vntransfer serve: error: {problem}", file=sys.stderr)
        return 2
    serve(args.host, args.port, args.model, api_key=args.api_key, graceful_timeout=args.graceful_timeout,
          max_body_bytes=args.max_body_bytes, max_texts=args.max_texts, max_text_chars=args.max_text_chars,
          max_request_chars=args.max_request_chars, request_timeout=args.timeout, body_timeout=args.body_timeout)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import datasets

    from .annotation.document import AnnotationFormatError
    from .annotation.export import export_corpus

    datasets.disable_progress_bars()

    extractor = None
    if args.predict:
        from .pipeline import default_model_dir, load

        extractor = load(args.model)
    try:
        counts = export_corpus(args.paths, args.out, extractor=extractor, batch_size=args.batch_size,
                               model_name=str(args.model or default_model_dir()) if args.predict else None)
    except (AnnotationFormatError, FileExistsError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name, n in counts.items():
        print(f"{name}: {n} documents", file=sys.stderr)
    print(args.out)
    return 0


def cmd_predict_corpus(args: argparse.Namespace) -> int:
    """Corpus prediction on Ray Data (corpus_job.py): sharded, resumable, SPEC.md documents in Parquet
    (and JSONL). Exit 0 when every record was predicted, 1 when some are error rows, 2 on bad arguments."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        print("error: predict-corpus runs on Ray Data, which is not installed: pip install 'vntransfer[scale]'",
              file=sys.stderr)
        return 2
    from .serving.corpus_job import predict_corpus
    from .serving.shards import CorpusError

    try:
        summary = predict_corpus(args.inputs, args.out, args.model, workers=args.workers,
                                 cpus_per_worker=args.cpus_per_worker, shard_size=args.shard_size,
                                 batch_size=args.batch_size, jsonl=args.jsonl, address=args.address,
                                 progress=not args.quiet)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in summary["first_errors"]:
        print(line, file=sys.stderr)
    print(f"{_count(summary['shards'], 'shard')}: {summary['skipped']} already written, {summary['written']} written now "
          f"({_count(summary['documents'], 'document')}, {_count(summary['errors'], 'error row')}) in {args.out}",
          file=sys.stderr)
    total = summary.get("total")
    if total:
        print(f"complete: {_count(total['documents'], 'document')} and {_count(total['errors'], 'error row')} in "
              f"{_count(summary['shards'], 'shard')}", file=sys.stderr)
    return 1 if summary["errors"] or (total and total["errors"]) else 0


def cmd_card(args: argparse.Namespace) -> int:
    from .model.card import write_model_card
    from .pipeline import default_model_dir

    directory = Path(args.model) if args.model else default_model_dir()
    if not (directory / "vntransfer.json").is_file():
        print(f"{directory}: no vntransfer.json (not a model directory)", file=sys.stderr)
        return 2
    print(write_model_card(directory))
    return 0


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vntransfer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check SPEC.md documents; prints 'file: id: problem' for every problem")
    p.add_argument("paths", nargs="+", help="JSON/JSONL files or folders (searched recursively)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("stats", help="counts per type and per document")
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("to-brat", help="export documents as BRAT .txt/.ann (+ annotation.conf)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(func=cmd_to_brat)

    p = sub.add_parser("from-brat", help="import a folder of BRAT .txt/.ann back to SPEC.md JSON")
    p.add_argument("folder")
    p.add_argument("--out", required=True, help="output folder for the JSON documents")
    p.set_defaults(func=cmd_from_brat)

    p = sub.add_parser("from-markup", help="convert inline bracket markup (formats/markup.py) to validated SPEC.md JSON")
    p.add_argument("files", nargs="+", help="markup files, documents separated by '==='")
    p.add_argument("--out", required=True, help="output folder, one <id>.json per valid document")
    p.add_argument("--meta", nargs="*", default=[], metavar="KEY=VALUE", help="added to each document's meta")
    p.set_defaults(func=cmd_from_markup)

    p = sub.add_parser("to-bio", help="per-type BIO tags over syllables (CoNLL-style columns)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--out", help="output file (default: stdout)")
    p.set_defaults(func=cmd_to_bio)

    p = sub.add_parser("predict", help="extract entities, relations and events (SPEC.md batch contract)")
    p.add_argument("files", nargs="*", help="plain-text files to predict into --output-dir (else JSONL via --input)")
    p.add_argument("--input", help="JSONL with 'id' and 'text' per line (default: stdin)")
    p.add_argument("--output", help="JSONL of SPEC.md documents, same order and ids (default: stdout)")
    p.add_argument("--output-dir", help="folder for the predictions of plain-text files")
    p.add_argument("--model", help="model directory (default: $VNTRANSFER_MODEL or models/default)")
    p.add_argument("--batch-size", type=_positive_int, default=16, help="texts per model call (>= 1)")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("generate", help="seeded synthetic annotated documents (training only)")
    p.add_argument("--n", type=int, default=500, help="number of documents")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="data/generated/generated.jsonl", help="JSONL output")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("pretrain", help="build the default encoder and pretrain it as a masked LM")
    p.add_argument("sources", nargs="*", help=".txt files, SPEC.md JSON/JSONL files or folders")
    p.add_argument("--out", default="models/encoder")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--hidden-size", type=int, default=128)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--vocab-size", type=int, default=8000)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--no-package-text", action="store_true", help="leave out text shipped inside installed packages")
    p.set_defaults(func=cmd_pretrain)

    p = sub.add_parser("init-encoder", help="PhoBERT's tokenizer + a randomly initialised encoder of its shape "
                                            "(the PhoBERT path without the weights; train.py --encoder DIR)")
    p.add_argument("--like", default="phobert-base", choices=["phobert-base", "phobert-large"])
    p.add_argument("--tokenizer", help="folder with PhoBERT's vocab.txt and bpe.codes "
                                       "(default: $VNTRANSFER_PHOBERT_TOKENIZER, else ../shared/phobert-tokenizer)")
    p.add_argument("--out", required=True, help="encoder folder to write")
    p.add_argument("--hidden-size", type=_positive_int, help="override the shape's hidden size")
    p.add_argument("--layers", type=_positive_int, help="override the shape's layer count")
    p.add_argument("--heads", type=_positive_int, help="override the shape's attention heads")
    p.add_argument("--intermediate-size", type=_positive_int, help="override the shape's feed-forward size")
    p.add_argument("--seed", type=int, default=13)
    p.set_defaults(func=cmd_init_encoder)

    p = sub.add_parser("serve", help="HTTP service: a page at /, POST /predict, GET /health, /version, /metrics, docs at /docs")
    p.add_argument("--host", default="127.0.0.1",
                   help="bind address (default loopback only; any other address needs an API key)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--model", help="model directory (default: $VNTRANSFER_MODEL or models/default)")
    p.add_argument("--api-key", help="require this key on /predict, /version and /metrics "
                                     "('Authorization: Bearer KEY' or 'X-API-Key: KEY'; default: $VNTRANSFER_API_KEY)")
    p.add_argument("--max-body-bytes", type=_positive_int, default=2_000_000, help="per request body (413 over it)")
    p.add_argument("--max-texts", type=_positive_int, default=64, help="texts per request (422 over it)")
    p.add_argument("--max-text-chars", type=_positive_int, default=100_000, help="characters per text (413 over it)")
    p.add_argument("--max-request-chars", type=_positive_int, default=500_000,
                   help="characters per request, all texts together (413 over it)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per request, queueing included (504 past it)")
    p.add_argument("--body-timeout", type=float, default=30.0, help="seconds to receive a request body (408 past it)")
    p.add_argument("--graceful-timeout", type=float, default=60.0,
                   help="on SIGTERM, seconds to let requests in flight finish before closing")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export", help="corpora as a Hugging Face DatasetDict: OUT/arrow (save_to_disk), OUT/data/*.parquet, OUT/README.md")
    p.add_argument("paths", nargs="+", metavar="[SPLIT=]PATH",
                   help="SPEC.md JSON/JSONL files, folders (searched recursively) or glob patterns; SPLIT names the split (default: the path's stem)")
    p.add_argument("--out", required=True, help="folder to write (an earlier export there is replaced)")
    p.add_argument("--predict", action="store_true", help="export the model's predictions on the texts instead of the gold")
    p.add_argument("--model", help="model directory for --predict (default: $VNTRANSFER_MODEL or models/default)")
    p.add_argument("--batch-size", type=_positive_int, default=16)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("predict-corpus", help="predict a corpus on Ray Data into sharded Parquet (resumable; "
                                              "a local Ray by default, --address joins a cluster)")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="JSONL files ('id' and 'text' per line), Parquet files ('id' and 'text' columns), .txt files "
                        "or folders of them (searched recursively)")
    p.add_argument("--out", required=True, help="output folder: parquet/part-NNNNNN.parquet per shard, manifest.json; "
                                                "run again to finish a stopped run")
    p.add_argument("--model", help="model directory (default: $VNTRANSFER_MODEL or models/default)")
    p.add_argument("--address", help="Ray cluster to join (e.g. auto, or HEAD:6379; default: start a local Ray)")
    p.add_argument("--workers", type=_positive_int, help="model actors (default: the cluster's CPUs / --cpus-per-worker)")
    p.add_argument("--cpus-per-worker", type=_positive_int, default=1, help="CPUs (and torch threads) per actor")
    p.add_argument("--shard-size", type=_positive_int, default=1000, help="records per shard, the unit of resumption")
    p.add_argument("--batch-size", type=_positive_int, default=16, help="sentences per model call (>= 1)")
    p.add_argument("--jsonl", action="store_true", help="also write jsonl/part-NNNNNN.jsonl, lines as `predict` writes them")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_predict_corpus)

    p = sub.add_parser("card", help="(re)write a model directory's README.md model card from its vntransfer.json")
    p.add_argument("model", nargs="?", help="model directory (default: $VNTRANSFER_MODEL or models/default)")
    p.set_defaults(func=cmd_card)

    p = sub.add_parser("agreement", help="inter-annotator agreement between two passes")
    p.add_argument("pass_a")
    p.add_argument("pass_b")
    p.add_argument("--update", metavar="GUIDELINES.md", help="rewrite the agreement block of this file")
    p.set_defaults(func=cmd_agreement)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RuntimeError as exc:
        pipeline = sys.modules.get("vntransfer.pipeline")  # imported only by the commands that load a model
        if pipeline is not None and isinstance(exc, pipeline.ModelLoadError):
            print(f"error: {exc}", file=sys.stderr)  # one line, no traceback: the message names the file
            return 2
        raise
    except (ValueError, OSError) as exc:  # AnnotationFormatError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
