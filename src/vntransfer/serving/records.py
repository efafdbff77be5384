"""The batch contract's lines (README, "Use it"): a JSONL request line read into {"id", "text"} or a
one-line error, and a result written as a JSONL line that is valid UTF-8. `vntransfer predict` and
`predict-corpus` (shards.py) read and write through these, so both answer a line the same way."""
from __future__ import annotations


def read_request(line: "bytes | str", n: int) -> dict:
    """One JSONL request line -> {"id", "text"}, or {"id", "error"} naming the line and the problem.
    `id` keeps its JSON type (a string or an integer). Bytes are decoded here, so a bad byte costs one line."""
    import json

    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return {"id": None, "error": f"line {n}: invalid UTF-8 (byte 0x{line[exc.start]:02x} at byte offset "
                                         f"{exc.start}); the line was not read"}
    if n == 1:
        line = line.removeprefix("\ufeff")  # a byte-order mark at the start of the file
    if not line.strip(" \t\r\n"):
        return {"id": None, "error": f"line {n}: empty line"}
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"line {n}: invalid JSON: {exc}"}
    except RecursionError:
        return {"id": None, "error": f"line {n}: invalid JSON: nested too deeply"}
    except ValueError as exc:  # e.g. an integer too long to convert
        return {"id": None, "error": f"line {n}: invalid JSON: {exc}"}
    if not isinstance(obj, dict):
        return {"id": None, "error": f"line {n}: a line must be a JSON object, got {json_type(obj)}"}
    if "id" not in obj:
        return {"id": None, "error": f"line {n}: missing 'id'"}
    ident = obj["id"]
    if not isinstance(ident, (str, int)) or isinstance(ident, bool):
        return {"id": None, "error": f"line {n}: 'id' must be a string or integer, got {json_type(ident)}"}
    if isinstance(ident, str) and surrogate_at(ident) is not None:
        return {"id": None, "error": f"line {n}: 'id' has a lone surrogate at index {surrogate_at(ident)} "
                                     "(not valid Unicode, cannot be written as UTF-8)"}
    if "text" not in obj:
        return {"id": ident, "error": f"line {n}: missing 'text'"}
    text = obj["text"]
    if not isinstance(text, str):
        return {"id": ident, "error": f"line {n}: 'text' must be a string, got {json_type(text)}"}
    at = surrogate_at(text)
    if at is not None:
        return {"id": ident, "error": f"line {n}: 'text' has a lone surrogate (U+{ord(text[at]):04X}) at index {at}, "
                                      "which is not valid Unicode and cannot be written as UTF-8; the line was not "
                                      "predicted (the character is not replaced, so that offsets stay true)"}
    return {"id": ident, "text": text}


def json_type(value) -> str:
    """The JSON name of a value's type, for messages ("object", "integer", "null", ...)."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def surrogate_at(s: str):
    """Index of the first lone surrogate in `s` (not valid Unicode, cannot be written as UTF-8), or None."""
    try:
        s.encode("utf-8")
        return None
    except UnicodeEncodeError as exc:
        return exc.start


def json_line(obj: dict) -> bytes:
    """A JSONL line that is valid UTF-8 and that no line splitter breaks: U+2028, U+2029 and U+0085 are
    escaped (json.dumps only ever puts them inside strings)."""
    import json

    text = json.dumps(obj, ensure_ascii=False)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
    return (text + "\n").encode("utf-8")
