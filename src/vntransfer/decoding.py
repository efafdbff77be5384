"""Scores -> spans: tag probabilities of each type layer become scored syllable spans; overlaps that
SPEC.md forbids are resolved in favour of the higher-scoring span."""
from __future__ import annotations

import torch

from .formats.bio import decode_spans
from .schema import ALLOWED_NESTING, ENTITY_TYPES
from .model import TAGS


def decode_entities(probs: torch.Tensor) -> list[tuple[int, int, int, float]]:
    """probs: (syllables, types, tags). Returns (first, last, type index, score), non-conflicting."""
    best = probs.argmax(-1)
    candidates = []
    for t, name in enumerate(ENTITY_TYPES):
        tags = [("O" if k == 0 else f"{TAGS[k]}-{name}") for k in best[:, t].tolist()]
        for _, first, last in decode_spans(tags):
            chosen = probs[first:last + 1, t].gather(-1, best[first:last + 1, t:t + 1]).squeeze(-1)
            candidates.append((first, last, t, float(chosen.mean())))
    kept: list[tuple[int, int, int, float]] = []
    for c in sorted(candidates, key=lambda c: -c[3]):
        if all(_compatible(c, k) for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: (c[0], -c[1], c[2]))


def _compatible(a, b) -> bool:
    if a[1] < b[0] or b[1] < a[0]:
        return True
    if a[2] == b[2]:
        return False
    ta, tb = ENTITY_TYPES[a[2]], ENTITY_TYPES[b[2]]
    if (ta, tb) in ALLOWED_NESTING and b[0] <= a[0] and a[1] <= b[1]:
        return True
    if (tb, ta) in ALLOWED_NESTING and a[0] <= b[0] and b[1] <= a[1]:
        return True
    return False
