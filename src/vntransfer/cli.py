"""The `vntransfer` command line (also `python -m vntransfer`)."""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

from .corpus import load_documents, read_records, write_document


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def cmd_validate(args: argparse.Namespace) -> int:
    n_docs = n_problems = 0
    for rec in read_records(args.paths):
        if rec.error:
            print(f"{rec.source}: {rec.element}: {rec.error}")
            n_problems += 1
            continue
        from .validation import validate_document

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
    from .stats import stats_table

    print(stats_table(load_documents(args.paths)))
    return 0


def cmd_to_brat(args: argparse.Namespace) -> int:
    from .formats.brat import export_brat, write_config

    out = Path(args.out)
    for doc in load_documents(args.paths):
        export_brat(doc, out)
    write_config(out)
    print(f"wrote BRAT files and annotation.conf to {out}", file=sys.stderr)
    return 0


def cmd_from_brat(args: argparse.Namespace) -> int:
    from .formats.brat import import_brat

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for ann in sorted(Path(args.folder).glob("*.ann")):
        write_document(import_brat(ann), out / f"{ann.stem}.json")
    return 0


def cmd_from_markup(args: argparse.Namespace) -> int:
    from .formats.markup import MarkupError, parse_markup
    from .validation import validate_document

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
    from .formats.bio import write_conll

    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    for doc in load_documents(args.paths):
        out.write(write_conll(doc) + "\n")
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    from .agreement import agreement_between

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


def read_request(line: str, n: int) -> dict:
    """One JSONL request line -> {"id", "text"}, or {"id", "error"} naming the line and the problem."""
    import json

    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"line {n}: invalid JSON: {exc}"}
    if not isinstance(obj, dict):
        return {"id": None, "error": f"line {n}: a line must be a JSON object"}
    ident = obj.get("id")
    if not isinstance(ident, (str, int)) or isinstance(ident, bool):
        return {"id": None, "error": f"line {n}: missing 'id'"}
    if not isinstance(obj.get("text"), str):
        return {"id": str(ident), "error": f"line {n}: missing 'text' or not a string"}
    return {"id": str(ident), "text": obj["text"]}


def cmd_predict(args: argparse.Namespace) -> int:
    """SPEC.md batch prediction: JSONL in, one Document JSON (or an error record) per line out.
    Plain .txt files given as arguments are predicted into --output-dir as <stem>.json."""
    import json

    from .pipeline import load

    extractor = load(args.model)
    if args.files:
        out_dir = Path(args.output_dir or ".")
        out_dir.mkdir(parents=True, exist_ok=True)
        failed = 0
        for f in args.files:
            path = Path(f)
            try:
                with path.open(encoding="utf-8", newline="") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError) as exc:
                print(f"{path}: {exc}", file=sys.stderr)
                failed += 1
                continue
            write_document(extractor.predict(text, id=path.stem), out_dir / f"{path.stem}.json")
        return 1 if failed else 0
    src = sys.stdin if args.input in (None, "-") else open(args.input, encoding="utf-8")
    dst = sys.stdout if args.output in (None, "-") else open(args.output, "w", encoding="utf-8")
    failed = 0
    pending: list[tuple[int, object]] = []  # (line number, record or error dict)

    def flush():
        texts = [(n, r) for n, r in pending if "error" not in r]
        docs = extractor.predict_many([r["text"] for _, r in texts], batch_size=args.batch_size,
                                      ids=[r["id"] for _, r in texts]) if texts else []
        by_line = {n: d.to_dict() for (n, _), d in zip(texts, docs)}
        for n, r in pending:
            dst.write(json.dumps(by_line.get(n, r), ensure_ascii=False) + "\n")
        dst.flush()
        pending.clear()

    for n, line in enumerate(src, start=1):
        if not line.strip():
            continue
        record = read_request(line, n)
        if "error" in record:
            print(record["error"], file=sys.stderr)
            failed += 1
        pending.append((n, record))
        if len(pending) >= args.batch_size:
            flush()
    flush()
    if failed:
        print(f"{failed} line(s) failed", file=sys.stderr)
    return 1 if failed else 0


def cmd_generate(args: argparse.Namespace) -> int:
    import json

    from .generate import generate
    from .validation import validate_document

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

    from .pretraining import corpus_lines, pretrain

    logging.basicConfig(level=logging.INFO)
    lines = corpus_lines(args.sources, include_package_text=not args.no_package_text)
    print(f"{len(lines)} segmented lines", file=sys.stderr)
    pretrain(args.out, lines, steps=args.steps, batch_size=args.batch_size, hidden_size=args.hidden_size,
             num_layers=args.layers, vocab_size=args.vocab_size, seed=args.seed, sources=list(args.sources),
             package_text=not args.no_package_text)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    serve(args.host, args.port, args.model)
    return 0


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
    p.add_argument("--batch-size", type=int, default=16)
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

    p = sub.add_parser("serve", help="HTTP service: POST /predict, GET /health, GET /version, docs at /docs")
    p.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--model", help="model directory (default: $VNTRANSFER_MODEL or models/default)")
    p.set_defaults(func=cmd_serve)

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
    except (ValueError, OSError) as exc:  # AnnotationFormatError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
