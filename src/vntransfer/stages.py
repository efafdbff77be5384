"""The stages of prediction, each a function or a small class with typed inputs and outputs (in the spirit of
spaCy's predict / set_annotations): `Extractor` (pipeline.py) runs them on each batch of sentences.

1. `score_windows`: the sentences' encoder windows -> `BatchScores`: the syllable states of every window and,
   per sentence, `SentenceScores` (tag probabilities and chosen tags over the whole sentence, its windows
   merged; trigger probabilities).
2. `SpanDecoder`: `SentenceScores` -> entity `Span`s (decoding/spans.py), after the boundary repairs it is given
   (decoding/repairs.py) and SPEC.md's overlap rule. Which tags are chosen (a CRF's Viterbi path or each
   syllable's argmax) is settled in stage 1 by the model; what becomes of them is settled here, in one place.
   `trigger_spans`: the trigger head's tags -> trigger `Span`s (decoding/triggers.py).
3. `link_relations`: the spans of each sentence -> `Link`s, the relation head over their candidate pairs.
4. Events: `events.assemble_events` on the document that the links make (`Extractor._document`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import torch

from .decoding.repairs import apply_repairs, check_repairs
from .decoding.spans import Span, decode_entities, resolve_overlaps
from .decoding.triggers import decode_triggers
from .model.batching import Example, candidate_pairs, collate, pair_features
from .model.network import TransferExtractorModel
from .model.tensors import Window
from .schema import RELATION_LABELS
from .text.words import Sentence


@dataclass(frozen=True)
class SentenceScores:
    """What the network says about one sentence, its windows merged. `rows`: its windows' rows in the batch;
    `tag_probs`: (syllables, entity types, tags) probability of each tag (a CRF's posterior marginals, or
    the softmax averaged over the windows); `tags`: (syllables, entity types) the chosen tags (the CRF's
    Viterbi path, or the argmax of `tag_probs`); `trigger_probs`: (syllables, trigger tags) or None for a
    model without a trigger head."""

    sentence: Sentence
    rows: tuple[int, ...]
    tag_probs: torch.Tensor
    tags: torch.Tensor
    trigger_probs: Optional[torch.Tensor] = None


@dataclass(frozen=True)
class BatchScores:
    """Stage 1's output for a batch of sentences: the windows (`examples`, one row each), their syllable
    states (rows, syllables, hidden) for the relation head, and each sentence's `SentenceScores`."""

    examples: list[Example]
    states: torch.Tensor
    sentences: list[SentenceScores]


@dataclass(frozen=True)
class Link:
    """A relation the head found between two spans of one sentence (indices into the sentence's spans)."""

    head: int
    tail: int
    label: str
    score: float


def merge_windows(scores: torch.Tensor, examples: Sequence[Example], rows: Sequence[int], n_syllables: int) -> torch.Tensor:
    """Per-syllable scores of one sentence (probabilities or emissions), averaged over the windows (`rows`)
    that cover it."""
    merged = scores.new_zeros((n_syllables, *scores.shape[2:]))
    count = scores.new_zeros((n_syllables,) + (1,) * (scores.dim() - 2))
    for k in rows:
        w = examples[k].window
        merged[w.first:w.last + 1] += scores[k, :w.last - w.first + 1]
        count[w.first:w.last + 1] += 1
    return merged / count.clamp(min=1)


@torch.inference_mode()
def score_windows(model: TransferExtractorModel, pad_id: int,
                  sentences: Sequence[tuple[Sentence, Sequence[Window]]]) -> BatchScores:
    """Stage 1: the encoder and heads over every window of the sentences (one batch), merged per sentence.
    Without a CRF the windows' softmaxes are averaged and each syllable's argmax chosen; with one the
    windows' emissions are averaged and the CRF gives the posterior marginals and the Viterbi path of each
    whole sentence (all sentences at once)."""
    examples, rows = [], []
    for sentence, windows in sentences:
        rows.append(tuple(range(len(examples), len(examples) + len(windows))))
        examples.extend(Example(w, sentence) for w in windows)
    device = next(model.parameters(), torch.zeros(0)).device  # a GPU-trained model runs there; none: CPU
    tensors = {k: v.to(device) for k, v in collate(examples, pad_id, with_gold=False).items()}
    states = model.syllable_states(tensors["input_ids"], tensors["attention_mask"], tensors["syllable_token"],
                                   tensors["syllable_kind"], tensors["syllable_gazetteer"], tensors["syllable_mask"])
    logits = model.entity_logits(states)
    lengths = [len(sentence.syllables) for sentence, _ in sentences]
    if model.crf is None:
        probs = logits.softmax(-1)
        tag_probs = [merge_windows(probs, examples, r, n) for r, n in zip(rows, lengths)]
        tags = [p.argmax(-1) for p in tag_probs]
    else:
        emissions = logits.new_zeros(len(lengths), max(lengths, default=1), *logits.shape[2:])
        mask = torch.zeros(emissions.shape[:2], dtype=torch.bool, device=logits.device)
        for k, (r, n) in enumerate(zip(rows, lengths)):
            emissions[k, :n] = merge_windows(logits, examples, r, n)
            mask[k, :n] = True
        marginals, best = model.crf.marginals(emissions, mask), model.crf.viterbi(emissions, mask)
        tag_probs = [marginals[k, :n] for k, n in enumerate(lengths)]
        tags = [best[k, :n] for k, n in enumerate(lengths)]
    trigger_logits = model.trigger_logits(states)
    trigger_probs = None if trigger_logits is None else trigger_logits.softmax(-1)
    out = [SentenceScores(sentence, r, p, t, None if trigger_probs is None else merge_windows(trigger_probs, examples, r, n))
           for (sentence, _), r, p, t, n in zip(sentences, rows, tag_probs, tags, lengths)]
    return BatchScores(examples, states, out)


class SpanDecoder:
    """Stage 2: a sentence's chosen tags -> entity spans, then the named repairs (decoding/repairs.py, in
    their registry's order) and SPEC.md's overlaps (a LOCALITY may sit in a BODY, nothing else overlaps)."""

    def __init__(self, repairs: Sequence[str] = ()):
        self.repairs = check_repairs(repairs)

    def __call__(self, scores: SentenceScores) -> list[Span]:
        spans = decode_entities(scores.tag_probs, scores.tags)
        return resolve_overlaps(apply_repairs(spans, self.repairs, scores.sentence, scores.tag_probs))


def trigger_spans(scores: SentenceScores) -> list[Span]:
    """Stage 2 for triggers: the argmax trigger tags -> spans typed by event class (none without a trigger head)."""
    if scores.trigger_probs is None:
        return []
    sentence = scores.sentence
    return decode_triggers(scores.trigger_probs.argmax(-1).tolist(), sentence.words, sentence.syllables)


def relation_candidates(examples: Sequence[Example], rows: Sequence[int], spans: Sequence[Span]) -> list[tuple[int, int, list[int]]]:
    """(head, tail, relation features) for each ordered pair of a sentence's spans that some relation
    admits, read in the first of its windows (`rows`) that holds both spans. The relation head reads a span
    as (first, last, type index) local to the window (`batching.candidate_pairs`, `pair_features`)."""
    done, out = set(), []
    for k in rows:
        w = examples[k].window
        inside = [(i, (s.first - w.first, s.last - w.first, s.type_index)) for i, s in enumerate(spans)
                  if s.first >= w.first and s.last <= w.last]
        local = [e for _, e in inside]
        for a, b in candidate_pairs(local):
            key = (inside[a][0], inside[b][0])
            if key not in done:
                done.add(key)
                out.append((key[0], key[1], pair_features(k, local[a], local[b])))
    return out


@torch.inference_mode()
def link_relations(model: TransferExtractorModel, scores: BatchScores, spans: Sequence[Sequence[Span]],
                   threshold: float = 0.5) -> list[list[Link]]:
    """Stage 3: per sentence, the relations between its spans whose best label is not NONE and scores at
    least `threshold` (one relation-head call for the whole batch)."""
    pairs = [(k, a, b, f) for k, (s, sp) in enumerate(zip(scores.sentences, spans))
             for a, b, f in relation_candidates(scores.examples, s.rows, sp)]
    out: list[list[Link]] = [[] for _ in spans]
    if not pairs:
        return out
    features = torch.tensor([f for *_, f in pairs], dtype=torch.long, device=scores.states.device)
    best, label = model.relation_logits(scores.states, features).softmax(-1).max(-1)
    for (k, a, b, _), lab, sc in zip(pairs, label.tolist(), best.tolist()):
        if lab != 0 and sc >= threshold:
            out[k].append(Link(a, b, RELATION_LABELS[lab], sc))
    return out
