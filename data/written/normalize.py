"""One pass over the writers' markup (data/written/markup/*.txt) that makes three annotation choices
consistent across writers, where writers followed an early, wrong example of BRIEF.md:

1. An admin word directly before a place inside a body belongs to the LOCALITY (SPEC.md:
   [UBND [phường Bắc Hà]]): `UBND tỉnh [LOCALITY#l Hà Tĩnh]` -> `UBND [LOCALITY#l tỉnh Hà Tĩnh]`. Not after a
   numeral or plural word ("ba tỉnh [Cà Mau]"), where SPEC.md keeps the admin word out.
2. A board written with its company is one BODY (SPEC.md: a BODY takes its longest name):
   `[BODY#b1 HĐTV] [BODY#b2 Tập đoàn X]` -> `[BODY#b1 HĐTV Tập đoàn X]`, relations of b2 moved to b1.
3. A title whose last word is the body's head noun keeps only the role part (SPEC.md: [Chánh] [Thanh tra
   tỉnh]): `[POSITION#t Tổng Kiểm toán Nhà nước]` -> `[POSITION#t Tổng] [BODY#t_b Kiểm toán Nhà nước]` + OF.

Run from the repository root; it rewrites the markup in place and is idempotent. Then convert again:
    for w in data/written/markup/*.txt; do n=$(basename $w .txt); \
      vntransfer from-markup $w --out data/written/$n --meta source=written writer=$n; done
"""
import argparse
import re
import sys
from pathlib import Path

from vntransfer.lexicons.registry import admin_words

# the admin words of units of government (province, district, commune; TP./TP as written), from the package's
# one list (src/vntransfer/lexicons/admin_words.tsv)
ADMIN = "(?:" + "|".join(re.escape(w) for w in admin_words(("province", "district", "commune"))) + ")"
PLURAL = {"hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười", "các", "những", "hai", "mấy", "nhiều"}
BOARDS = r"(?:HĐTV|HĐQT|Hội đồng thành viên|Hội đồng quản trị|Hội đồng trường)"


def _admin_into_locality(text: str) -> str:
    def repl(m: re.Match) -> str:
        before = text[:m.start()].split()
        if before and before[-1].lower().strip("[(:,") in PLURAL:
            return m.group(0)
        if m.group(1) == "xã" and before and before[-1].lower() == "tấn":  # "Thông tấn xã [Việt Nam]": not an admin word
            return m.group(0)
        if "BODY" not in _open_spans(text[:m.start()]):  # only inside a body
            return m.group(0)
        return f"[LOCALITY#{m.group(2)} {m.group(1)} "

    return re.sub(rf"\b({ADMIN}) \[LOCALITY#([A-Za-z0-9_]+) ", repl, text)


def _open_spans(prefix: str) -> list[str]:
    """Types of the spans still open at the end of `prefix`."""
    stack = []
    for m in re.finditer(r"\\[\[\]]|\[([A-Z_]+)#[A-Za-z0-9_]+ |\]", prefix):
        if m.group(0).startswith("\\"):
            continue
        if m.group(1):
            stack.append(m.group(1))
        elif stack:
            stack.pop()
    return stack


def _close(text: str, open_end: int) -> int:
    """Index of the ']' that closes the span whose opening ends at `open_end`."""
    depth, i = 1, open_end
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "[":
            depth += 1
        elif text[i] == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unclosed span")


def _merge_boards(block: str) -> str:
    text, _, rels = block.partition("\n---\n")
    while True:
        m = re.search(rf"\[BODY#([A-Za-z0-9_]+) ({BOARDS})\] \[BODY#([A-Za-z0-9_]+) ", text)
        if not m:
            break
        keep, gone = m.group(1), m.group(3)
        close = _close(text, m.end())
        text = (text[:m.start()] + f"[BODY#{keep} {m.group(2)} " + text[m.end():close] + text[close:])
        rels = re.sub(rf"(?<![A-Za-z0-9_]){gone}(?![A-Za-z0-9_])", keep, rels)
    lines, seen = [], set()
    for line in rels.split("\n"):
        key = " ".join(line.split())
        if key and key in seen:
            continue
        seen.add(key)
        lines.append(line)
    return text + "\n---\n" + "\n".join(lines) if _ else text


def _split_head_titles(block: str) -> str:
    text, sep, rels = block.partition("\n---\n")
    added = []

    def repl(m: re.Match) -> str:
        ident, role, body = m.group(1), m.group(2), m.group(3)
        added.append(f"{ident} OF {ident}_b")
        return f"[POSITION#{ident} {role}] [BODY#{ident}_b {body}]"

    text = re.sub(r"\[POSITION#([A-Za-z0-9_]+) ((?:Phó )?Tổng) (Kiểm toán [Nn]hà nước|Thanh tra Chính phủ)\]", repl, text)
    if added:
        rels = rels.rstrip("\n") + "\n" + "\n".join(added) + "\n"
    return text + sep + rels if sep else text


def normalize(source: str) -> str:
    blocks = re.split(r"(^===\s*$)", source, flags=re.MULTILINE)
    out = []
    for block in blocks:
        if block.startswith("===") or not block.strip():
            out.append(block)
            continue
        text, sep, rels = block.partition("\n---\n")
        block = _admin_into_locality(text) + sep + rels
        out.append(_split_head_titles(_merge_boards(block)))
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make the writers' markup consistent (rewrites it in place; idempotent).")
    parser.add_argument("paths", nargs="*", type=Path,
                        help="markup files (default: every data/written/markup/*.txt)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(Path("data/written/markup").glob("*.txt"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        parser.error(f"no such markup file: {', '.join(missing)}")
    changed = []
    for path in paths:
        before = path.read_text(encoding="utf-8")
        after = normalize(before)
        if after != before:
            changed.append(path)
            if not args.check:
                path.write_text(after, encoding="utf-8")
            print(f"{path}: {'would be normalised' if args.check else 'normalised'}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
