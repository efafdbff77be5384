"""Data-parallel training: `torchrun --nproc_per_node 2 train.py` on CPU (gloo) against one process.

Two processes are not bit-identical to one: dropout masks differ, each process averages the loss over
its own half of a batch before the gradients are averaged, and gloo sums in its own order. Both runs
are asked for the same thing: a tiny model that fits a tiny corpus, the dev scores (the training
documents under other ids) within 0.1 of each other, the last epoch's loss within 30%.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import make_phobert_style_encoder, overfit_documents

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
F1_TOLERANCE = 0.1
LOSS_TOLERANCE = 0.3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(tmp: Path, name: str) -> Path:
    config = {"train": [str(tmp / "train.jsonl")], "dev": [str(tmp / "dev.jsonl")], "encoder": str(tmp / "encoder"),
              "output_dir": str(tmp / name / "model"), "checkpoint_dir": str(tmp / name / "checkpoint"), "epochs": 30,
              "batch_size": 4, "real_repeat": 4, "learning_rate": 3e-3, "warmup_ratio": 0.05, "progress": False,
              "seed": 1, "gazetteer_dropout": 0.0}
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def _history(tmp: Path, name: str) -> list[dict]:
    settings = json.loads((tmp / name / "model" / "vntransfer.json").read_text(encoding="utf-8"))
    return settings["training"]["history"]


def test_two_processes_train_as_one(tmp_path):
    docs = overfit_documents()
    make_phobert_style_encoder(tmp_path / "encoder", [d.text for d in docs], hidden=32, layers=1)
    with open(tmp_path / "train.jsonl", "w", encoding="utf-8") as train, open(tmp_path / "dev.jsonl", "w", encoding="utf-8") as dev:
        for d in docs:
            train.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")
            dev.write(json.dumps({**d.to_dict(), "id": "dev-" + d.id}, ensure_ascii=False) + "\n")
    # one thread a process for both runs (torchrun sets it for its own): a fair, quick comparison
    env = {**os.environ, "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    one = subprocess.run([sys.executable, str(ROOT / "train.py"), str(_config(tmp_path, "one"))],
                         capture_output=True, text=True, env=env, timeout=1200)
    assert one.returncode == 0, one.stderr[-3000:]
    two = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port",
                          str(_free_port()), str(ROOT / "train.py"), str(_config(tmp_path, "two"))],
                         capture_output=True, text=True, env=env, timeout=1200)
    assert two.returncode == 0, two.stderr[-3000:]
    # only the main process prints its summary and saves
    assert two.stdout.count("model saved to") == 1 and not (tmp_path / "two" / "checkpoint").exists()
    h1, h2 = _history(tmp_path, "one"), _history(tmp_path, "two")
    assert len(h1) == len(h2) == 30
    best1 = max(h1, key=lambda r: r["dev_score"])
    best2 = max(h2, key=lambda r: r["dev_score"])
    assert best1["dev_entity_f1"] > 0.8  # the single process learned the corpus: the comparison means something
    for key in ("dev_entity_f1", "dev_relation_f1", "dev_event_f1"):
        assert abs(best1[key] - best2[key]) <= F1_TOLERANCE, (key, best1, best2)
    assert abs(h1[-1]["loss"] - h2[-1]["loss"]) <= LOSS_TOLERANCE * h1[-1]["loss"], (h1[-1], h2[-1])
    assert h2[-1]["loss"] < 0.5 * h2[0]["loss"]  # the two processes learned too
