"""Seconds per training epoch with and without length-grouped batches, side by side in one process.

    python benchmarks/training_speed.py [--documents 300] [--rounds 2] [--encoder-dir models/encoder]

The same documents (a seeded sample of the written and generated training text), the same pretrained
encoder and the same settings as configs/default.json, trained for one epoch with `group_by_length` off and
on, alternately, `--rounds` times each (the first epoch of each is timed; the data's segmentation and
encoding, shared, is not). Also reports the padded tokens per real token of each epoch's batches. Writes the
key "training_speed" of benchmarks/results.json.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

from results_file import store  # benchmarks/: the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parents[1]


def padding_ratio(lengths: list[int], order: list[int], batch_size: int) -> float:
    padded = sum(max(lengths[i] for i in order[k:k + batch_size]) * len(order[k:k + batch_size])
                 for k in range(0, len(order), batch_size))
    return padded / sum(lengths)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--documents", type=int, default=300)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--encoder-dir", default="models/encoder")
    p.add_argument("--config", default="configs/default.json")
    p.add_argument("--out", default=None, help="results file (default benchmarks/results.json)")
    a = p.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    import torch

    from vntransfer.model.batching import document_examples
    from vntransfer.annotation.corpus import load_documents
    from vntransfer.text.segmenting import segmented_texts
    from vntransfer.training.trainer import TrainingArguments, epoch_order, train

    config = json.loads((ROOT / a.config).read_text(encoding="utf-8"))
    docs = load_documents([str(ROOT / x) for x in config["extra_train"]])
    docs = random.Random(0).sample(docs, min(a.documents, len(docs)))
    segmented_texts([d.text for d in docs], True)  # segment once, before any timing
    runs = {"grouped": [], "shuffled": []}
    ratios = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(a.rounds):
            for name, grouped in (("shuffled", False), ("grouped", True)):
                args = TrainingArguments(train=[], extra_train=[], dev=[], encoder="default",
                                         encoder_dir=str(ROOT / a.encoder_dir), epochs=1,
                                         batch_size=config["batch_size"], learning_rate=config["learning_rate"],
                                         group_by_length=grouped, output_dir=f"{tmp}/m", checkpoint_dir=f"{tmp}/c",
                                         seed=config["seed"], progress=False)
                extractor, history = train(args, train_docs=[], extra_docs=docs, save=False)
                runs[name].append(history[0]["seconds"])
                if name not in ratios:
                    lengths = [len(x.window.input_ids) for d in docs for x in document_examples(d, extractor.encoder)]
                    ratios[name] = padding_ratio(lengths, epoch_order(lengths, args.batch_size, args.seed, grouped),
                                                 args.batch_size)
    result = {"documents": len(docs), "rounds": a.rounds, "torch_threads": torch.get_num_threads(),
              "epoch_seconds": {k: v for k, v in runs.items()},
              "padded_per_real_token": {k: round(v, 3) for k, v in ratios.items()},
              "speedup": round(min(runs["shuffled"]) / min(runs["grouped"]), 2),
              "command": "python benchmarks/training_speed.py " + " ".join(sys.argv[1:])}
    store("training_speed", result, *( [a.out] if a.out else []))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
