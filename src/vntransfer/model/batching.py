"""Documents -> training examples and padded batches (one example per encoder window)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Optional, Sequence

import torch

from ..annotation.document import Document
from ..schema import ALLOWED_NESTING, ENTITY_TYPES, RELATION_LABELS, RELATION_PAIRS, TAGS, TRIGGER_TAGS
from .network import distance_bucket
from .tensors import Window, WordEncoder
from ..text.words import Sentence, segment_words


@dataclass
class Example:
    window: Window
    sentence: Sentence
    tags: Optional[list[list[int]]] = None           # (syllables, types), gold tags
    entities: list[tuple[int, int, int]] = field(default_factory=list)  # gold (first, last, type) local
    relations: dict[tuple[int, int], int] = field(default_factory=dict)  # (head idx, tail idx) -> label
    trigger_tags: Optional[list[int]] = None         # (syllables,), gold trigger tags (schema.TRIGGER_TAGS)

    @property
    def syllables(self):
        return self.sentence.syllables[self.window.first:self.window.last + 1]


def candidate_pairs(entities: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Ordered entity index pairs whose types some relation admits (BODY->LOCALITY only if nested)."""
    pairs = []
    for i, (hf, hl, ht) in enumerate(entities):
        for j, (tf, tl, tt) in enumerate(entities):
            if i == j or (ENTITY_TYPES[ht], ENTITY_TYPES[tt]) not in RELATION_PAIRS:
                continue
            if (ENTITY_TYPES[tt], ENTITY_TYPES[ht]) in ALLOWED_NESTING and not (hf <= tf and tl <= hl):
                continue
            pairs.append((i, j))
    return pairs


def pair_features(batch_index: int, a: tuple[int, int, int], b: tuple[int, int, int]) -> list[int]:
    gap = b[0] - a[1] if b[0] > a[1] else a[0] - b[1]
    return [batch_index, a[0], a[1], b[0], b[1], a[2], b[2], distance_bucket(gap)]


def document_examples(doc: Document, encoder: WordEncoder, segment: bool = True,
                      sentences: Optional[Sequence[Sentence]] = None) -> list[Example]:
    """Training examples of a gold document: windows with tags, gold entities and relations. `sentences`:
    the text's `segment_words` already made (text/segmenting.py's cache), else they are made here."""
    sentences = segment_words(doc.text, segment=segment) if sentences is None else list(sentences)
    by_start = {}
    for si, s in enumerate(sentences):
        for k, syl in enumerate(s.syllables):
            by_start[syl.start] = (si, k)
    by_end = {syl.end: (si, k) for si, s in enumerate(sentences) for k, syl in enumerate(s.syllables)}
    spans = {}  # entity id -> (sentence, first, last, type)
    for e in doc.entities:
        if e.start in by_start and e.end in by_end and by_start[e.start][0] == by_end[e.end][0]:
            spans[e.id] = (by_start[e.start][0], by_start[e.start][1], by_end[e.end][1], ENTITY_TYPES.index(e.type))
    triggers = {}  # (sentence, first, last) -> event class; one trigger may govern several events
    for ev in doc.events:
        t = ev.trigger
        if t is not None and t.start in by_start and t.end in by_end and by_start[t.start][0] == by_end[t.end][0]:
            triggers[(by_start[t.start][0], by_start[t.start][1], by_end[t.end][1])] = ev.type
    examples = []
    for si, sentence in enumerate(sentences):
        for w in encoder.windows(sentence, si):
            n = w.last - w.first + 1
            trigger_tags = [0] * n
            for (s, f, l), cls in triggers.items():
                if s == si and f >= w.first and l <= w.last:
                    trigger_tags[f - w.first] = TRIGGER_TAGS.index(f"B-{cls}")
                    for k in range(f - w.first + 1, l - w.first + 1):
                        trigger_tags[k] = TRIGGER_TAGS.index(f"I-{cls}")
            tags = [[0] * len(ENTITY_TYPES) for _ in range(n)]
            local, index = [], {}
            for eid, (s, f, l, t) in spans.items():
                if s != si or l < w.first or f > w.last:
                    continue
                f2, l2 = max(f, w.first) - w.first, min(l, w.last) - w.first
                tags[f2][t] = TAGS.index("B") if f >= w.first else TAGS.index("I")
                for k in range(f2 + 1, l2 + 1):
                    tags[k][t] = TAGS.index("I")
                if f >= w.first and l <= w.last:
                    index[eid] = len(local)
                    local.append((f2, l2, t))
            rels = {}
            for r in doc.relations:
                if r.head in index and r.tail in index:
                    rels[(index[r.head], index[r.tail])] = RELATION_LABELS.index(r.type)
            examples.append(Example(w, sentence, tags, local, rels, trigger_tags))
    return examples


def perturbed(span: tuple[int, int, int], n_syllables: int, rng: random.Random) -> Optional[tuple[int, int, int]]:
    """The span with one edge moved by one syllable (grown or shrunk, inside the window), as a decoder that
    misses a boundary gives it; None when no such move keeps a span."""
    first, last, t = span
    moves = [(first + d, last) for d in (-1, 1)] + [(first, last + d) for d in (-1, 1)]
    moves = [(f, l) for f, l in moves if 0 <= f <= l < n_syllables]
    if not moves:
        return None
    f, l = rng.choice(moves)
    return f, l, t


def collate(examples: list[Example], pad_id: int, with_gold: bool = True, perturb: float = 0.0,
            rng: Optional[random.Random] = None) -> dict[str, torch.Tensor]:
    """Padded tensors of the examples; with gold, also their tags, trigger tags and relation pairs. With
    `perturb` > 0 each gold pair is also given, with that probability, once more with one of its two spans'
    boundaries moved by a syllable (`perturbed`) and the same label, so that the relation head learns to
    link the slightly wrong spans a decoder predicts, not only gold ones."""
    n_tok = max(len(x.window.input_ids) for x in examples)
    n_syl = max(len(x.window.syllable_token) for x in examples)
    b = len(examples)
    input_ids = torch.full((b, n_tok), pad_id, dtype=torch.long)
    attention = torch.zeros((b, n_tok), dtype=torch.long)
    syl_token = torch.zeros((b, n_syl), dtype=torch.long)
    syl_kind = torch.zeros((b, n_syl), dtype=torch.long)
    syl_gaz = torch.zeros((b, n_syl), dtype=torch.long)
    syl_mask = torch.zeros((b, n_syl), dtype=torch.bool)
    for i, x in enumerate(examples):
        w = x.window
        input_ids[i, :len(w.input_ids)] = torch.tensor(w.input_ids)
        attention[i, :len(w.input_ids)] = 1
        syl_token[i, :len(w.syllable_token)] = torch.tensor(w.syllable_token)
        syl_kind[i, :len(w.syllable_kind)] = torch.tensor(w.syllable_kind)
        syl_gaz[i, :len(w.syllable_gazetteer)] = torch.tensor(w.syllable_gazetteer, dtype=torch.long)
        syl_mask[i, :len(w.syllable_token)] = True
    out = {"input_ids": input_ids, "attention_mask": attention, "syllable_token": syl_token,
           "syllable_kind": syl_kind, "syllable_gazetteer": syl_gaz, "syllable_mask": syl_mask}
    if with_gold:
        tags = torch.full((b, n_syl, len(ENTITY_TYPES)), -100, dtype=torch.long)
        trigger_tags = torch.full((b, n_syl), -100, dtype=torch.long)
        pairs, labels = [], []
        for i, x in enumerate(examples):
            if x.tags:
                tags[i, :len(x.tags)] = torch.tensor(x.tags)
            if x.trigger_tags:
                trigger_tags[i, :len(x.trigger_tags)] = torch.tensor(x.trigger_tags)
            n = len(x.window.syllable_token)
            for hi, ti in candidate_pairs(x.entities):
                head, tail = x.entities[hi], x.entities[ti]
                label = x.relations.get((hi, ti), 0)
                pairs.append(pair_features(i, head, tail))
                labels.append(label)
                if perturb > 0 and rng is not None and rng.random() < perturb:
                    moved = rng.random() < 0.5
                    head2, tail2 = (perturbed(head, n, rng), tail) if moved else (head, perturbed(tail, n, rng))
                    if head2 is not None and tail2 is not None:
                        pairs.append(pair_features(i, head2, tail2))
                        labels.append(label)
        out["tags"] = tags
        out["trigger_tags"] = trigger_tags
        out["pairs"] = torch.tensor(pairs, dtype=torch.long).view(-1, 8)
        out["relation_labels"] = torch.tensor(labels, dtype=torch.long)
    return out
