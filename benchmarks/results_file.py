"""benchmarks/results.json holds every benchmark's figures, each under its own key."""
from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def store(key: str, value: dict, path: Path | str = RESULTS) -> None:
    """Replace `key` in the results file, keeping the other benchmarks' keys."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data[key] = value
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
