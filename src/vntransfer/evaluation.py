"""Scores of predicted documents against gold (SPEC.md, "Scoring").

Entities are scored with seqeval (strict IOB2 over each type's syllable tag layer, so nested spans
count) and cross-checked against exact (type, start, end) matching; relations strict (types and
spans) and by boundaries (spans only); events by person span, then (role, value) pairs.
"""
from __future__ import annotations

from .document import Document
from .formats.bio import to_bio
from .schema import ENTITY_TYPES, RELATION_TYPES
from .scoring import PRF, compare, entity_keys, event_argument_keys, event_person_keys, per_type, relation_keys


def _micro_macro(per: dict[str, PRF], types) -> dict:
    micro = sum((per.get(t, PRF(0, 0, 0)) for t in types), PRF(0, 0, 0))
    present = [per[t] for t in types if t in per and per[t].support]
    macro = sum(p.f1 for p in present) / len(present) if present else 0.0
    return {"micro": micro.to_dict(), "macro_f1": macro, "per_type": {t: per[t].to_dict() for t in types if t in per}}


def seqeval_entity_scores(gold: list[Document], pred: list[Document]) -> dict[str, dict]:
    """Per-type strict IOB2 scores from seqeval over syllable tag layers."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    out = {}
    for t in ENTITY_TYPES:
        y_true, y_pred = [], []
        for g, p in zip(gold, pred):
            syllables, gl = to_bio(g)
            _, pl = to_bio(p, syllables)
            y_true.append(gl[t])
            y_pred.append(pl[t])
        if not any(tag != "O" for seq in y_true + y_pred for tag in seq):
            continue
        report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
        if t in report:
            out[t] = {k: float(v) for k, v in report[t].items()}
    return out


def score_documents(gold: list[Document], pred: list[Document]) -> dict:
    by_id = {d.id: d for d in pred}
    pred = [by_id.get(g.id, Document(g.id, g.text)) for g in gold]
    g_ent = [(d.id, *k) for d in gold for k in entity_keys(d)]
    p_ent = [(d.id, *k) for d in pred for k in entity_keys(d)]
    ent = per_type(g_ent, p_ent, lambda k: k[1])
    rel_strict = per_type([(d.id, *k) for d in gold for k in relation_keys(d)],
                          [(d.id, *k) for d in pred for k in relation_keys(d)], lambda k: k[1])
    rel_bound = per_type([(d.id, *k) for d in gold for k in relation_keys(d, strict=False)],
                         [(d.id, *k) for d in pred for k in relation_keys(d, strict=False)], lambda k: k[1])
    persons = compare([(d.id, *k) for d in gold for k in event_person_keys(d)],
                      [(d.id, *k) for d in pred for k in event_person_keys(d)])
    args = compare([(d.id, *k) for d in gold for k in event_argument_keys(d)],
                   [(d.id, *k) for d in pred for k in event_argument_keys(d)])
    return {
        "entities": {**_micro_macro(ent, ENTITY_TYPES), "seqeval": seqeval_entity_scores(gold, pred)},
        "relations": {"strict": _micro_macro(rel_strict, RELATION_TYPES), "boundaries": _micro_macro(rel_bound, RELATION_TYPES)},
        "events": {"persons": persons.to_dict(), "arguments": args.to_dict()},
    }
