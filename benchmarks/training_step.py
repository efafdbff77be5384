"""Milliseconds per training step with the network's two hand-made operations and with the plain torch ones they
stand for, side by side in one process.

    python benchmarks/training_step.py [--model models/default] [--steps 30] [--rounds 3]

The same batches (16 windows each, as configs/default.json, from a seeded sample of the written training text,
gold relation pairs as training collates them), the same weights: one forward, backward and AdamW step each,
with (a) the BiLSTM as one packed bidirectional call and the relation head's span pooling as a masked max over a
copy of the sentence per pair (the operations before 2026-12-02), and (b) `bidirectional_lstm` (one padded call
per direction) and `RangeMax` (a sparse table), alternately, `--rounds` times each. Tests show the two compute
the same values and gradients (tests/model/test_network_ops.py). Writes the key "training_step" of
benchmarks/results.json.
"""
from __future__ import annotations

import argparse
import copy
import random
import sys
import time
from pathlib import Path

from results_file import store  # benchmarks/: the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parents[1]


def packed_lstm(lstm, states, lengths):
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    packed = pack_padded_sequence(states, lengths.cpu(), batch_first=True, enforce_sorted=False)
    out, _ = lstm(packed)
    return pad_packed_sequence(out, batch_first=True, total_length=states.size(1))[0]


class MaskedMax:
    """The span pooling as it was: a masked copy of the sentence per pair, reduced by max."""

    def __init__(self, states):
        import torch

        self.states, self.seq = states, torch.arange(states.size(1))

    def __call__(self, batch, first, last):
        import torch

        inside = (self.seq[None, :] >= first[:, None]) & (self.seq[None, :] <= last[:, None])
        x = self.states[batch].masked_fill(~inside[..., None], -1e4).max(dim=1).values
        return torch.where(inside.any(1, keepdim=True), x, torch.zeros_like(x))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="models/default")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--out", default=None, help="results file (default benchmarks/results.json)")
    a = p.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    import torch

    from vntransfer import load
    from vntransfer.annotation.corpus import load_documents
    from vntransfer.model import network
    from vntransfer.model.batching import collate, document_examples
    from vntransfer.text.segmenting import segmented_texts
    from vntransfer.training.trainer import training_loss

    extractor = load(ROOT / a.model)
    docs = random.Random(0).sample(load_documents([str(ROOT / "data" / "written")]), 200)
    sentences = segmented_texts([d.text for d in docs], True)
    examples = [x for d, s in zip(docs, sentences) for x in document_examples(d, extractor.encoder, True, s)]
    random.Random(1).shuffle(examples)
    pad = extractor.encoder.tokenizer.pad_token_id
    batches = [collate(examples[i:i + 16], pad, perturb=0.3, rng=random.Random(i)) for i in range(0, 16 * a.steps, 16)]
    variants = {"packed LSTM, masked max": (packed_lstm, MaskedMax),
                "padded LSTM calls, sparse table": (network.bidirectional_lstm, network.RangeMax)}
    fused = (network.bidirectional_lstm, network.RangeMax)
    times = {name: [] for name in variants}
    for _ in range(a.rounds):
        for name, (lstm_op, pool_op) in variants.items():
            network.bidirectional_lstm, network.RangeMax = lstm_op, pool_op
            model = copy.deepcopy(extractor.model).train()
            optimizer = torch.optim.AdamW(model.parameters(), fused=True)
            for k, batch in enumerate(batches):
                if k == 2:  # two warm-up steps
                    started = time.perf_counter()
                optimizer.zero_grad()
                training_loss(model, batch).backward()
                optimizer.step()
            times[name].append(1000 * (time.perf_counter() - started) / (len(batches) - 2))
    network.bidirectional_lstm, network.RangeMax = fused
    before, after = (min(v) for v in times.values())
    result = {"steps": len(batches) - 2, "rounds": a.rounds, "torch_threads": torch.get_num_threads(),
              "ms_per_step": {k: [round(x, 1) for x in v] for k, v in times.items()},
              "speedup": round(before / after, 2),
              "command": "python benchmarks/training_step.py " + " ".join(sys.argv[1:])}
    store("training_step", result, *([a.out] if a.out else []))
    print(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
