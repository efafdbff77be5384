"""Scores of predicted documents against gold (SPEC.md, "Scoring").

Entities are scored with seqeval (strict IOB2 over each type's syllable tag layer, so nested spans
count) and cross-checked against exact (type, start, end) matching; relations strict (types and
spans) and by boundaries (spans only); events by person span, then (role, value) pairs.
"""
from __future__ import annotations

import re

from ..annotation.document import Document, Event
from ..annotation.formats.bio import to_bio
from ..schema import ENTITY_TYPES, EVENT_TYPES, RELATION_TYPES
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


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def relaxed_scores(gold: list[Document], pred: list[Document]) -> dict:
    """Overlap matching: an entity counts if it overlaps one of the same type in the same document;
    a relation if its type matches and both arguments overlap the gold ones. Precision counts the
    matched predictions, recall the matched gold items."""
    def ents(d):
        return [(e.type, (e.start, e.end)) for e in d.entities]

    def rels(d):
        m = d.entity_map()
        return [(r.type, (m[r.head].start, m[r.head].end), (m[r.tail].start, m[r.tail].end))
                for r in d.relations if r.head in m and r.tail in m]

    def prf(pairs, match):
        p_hit = p_all = g_hit = g_all = 0
        for g_items, p_items in pairs:
            p_all += len(p_items)
            g_all += len(g_items)
            p_hit += sum(any(match(x, y) for y in g_items) for x in p_items)
            g_hit += sum(any(match(x, y) for x in p_items) for y in g_items)
        p = p_hit / p_all if p_all else 0.0
        r = g_hit / g_all if g_all else 0.0
        return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}

    pairs_e = [(ents(g), ents(p)) for g, p in zip(gold, pred)]
    pairs_r = [(rels(g), rels(p)) for g, p in zip(gold, pred)]
    return {
        "entities": prf(pairs_e, lambda x, y: x[0] == y[0] and _overlap(x[1], y[1])),
        "relations": prf(pairs_r, lambda x, y: x[0] == y[0] and _overlap(x[1], y[1]) and _overlap(x[2], y[2])),
    }


def entity_confusion(gold: list[Document], pred: list[Document]) -> dict[str, dict[str, int]]:
    """gold type -> predicted type -> count, matching exact spans; "none" where one side has no span."""
    labels = [*ENTITY_TYPES, "none"]
    m = {g: {p: 0 for p in labels} for g in labels}
    for g, p in zip(gold, pred):
        gs = {(e.start, e.end): e.type for e in g.entities}
        ps = {(e.start, e.end): e.type for e in p.entities}
        gtypes: dict = {}
        for e in g.entities:
            gtypes.setdefault((e.start, e.end), set()).add(e.type)
        ptypes: dict = {}
        for e in p.entities:
            ptypes.setdefault((e.start, e.end), set()).add(e.type)
        for span in set(gs) | set(ps):
            gt, pt = gtypes.get(span, set()), ptypes.get(span, set())
            for t in gt & pt:
                m[t][t] += 1
            gt, pt = sorted(gt - pt), sorted(pt - gt)
            for k in range(max(len(gt), len(pt))):
                m[gt[k] if k < len(gt) else "none"][pt[k] if k < len(pt) else "none"] += 1
    return m


#: forms of a transfer statement, told apart by `event_form` (first match wins)
EVENT_FORMS = ("approval (phê chuẩn, chuẩn y)", "election (bầu, trúng cử, tái cử)", "list item", "no trigger word",
               "to a destination (về, đến, sang)", "passive (được + verb)", "active decision")
_LIST_ITEM = re.compile(r"\s*(?:[-+•*–]|\d{1,3}[.)])\s")


def event_form(doc: Document, event: Event) -> str:
    """The form of the sentence that states a gold event, for the breakdown of event scores."""
    from ..text.words import split_sentences

    person = doc.entity_map().get(event.person)
    start = person.start if person else 0
    line_start = doc.text.rfind("\n", 0, start) + 1
    sentence = next((doc.text[s:e] for s, e in split_sentences(doc.text) if s <= start < e), "").lower()
    if re.search(r"phê chuẩn|chuẩn y|phê duyệt", sentence):
        return EVENT_FORMS[0]
    if event.type == "BAU":
        return EVENT_FORMS[1]
    if _LIST_ITEM.match(doc.text[line_start:start] + " "):
        return EVENT_FORMS[2]
    if event.trigger is None:
        return EVENT_FORMS[3]
    if event.destination:
        return EVENT_FORMS[4]
    if doc.text[max(0, event.trigger.start - 5):event.trigger.start].lower().strip() == "được":
        return EVENT_FORMS[5]
    return EVENT_FORMS[6]


def event_breakdown(gold: list[Document], pred: list[Document]) -> dict:
    """Event-argument scores by event class (gold events of the class against predicted events of the
    class), and recall of persons and arguments by the form of the gold statement (`event_form`)."""
    by_id = {d.id: d for d in pred}
    by_class = {}
    for cls in EVENT_TYPES:
        g = [(d.id, *k) for d in gold for k in _class_keys(d, cls)]
        p = [(d.id, *k) for d in pred for k in _class_keys(d, cls)]
        if g or p:
            by_class[cls] = compare(g, p).to_dict()
    forms: dict[str, dict] = {}
    for g in gold:
        p = by_id.get(g.id, Document(g.id, g.text))
        found_persons = set(event_person_keys(p))
        found_args = set(event_argument_keys(p))
        for ev in g.events:
            single = Document(g.id, g.text, g.entities, g.relations, (ev,))
            f = forms.setdefault(event_form(g, ev), {"events": 0, "persons_found": 0, "arguments": 0, "arguments_found": 0})
            f["events"] += 1
            f["persons_found"] += bool(set(event_person_keys(single)) & found_persons)
            keys = event_argument_keys(single)
            f["arguments"] += len(keys)
            f["arguments_found"] += sum(k in found_args for k in keys)
    return {"by_class": by_class, "by_form": {k: forms[k] for k in EVENT_FORMS if k in forms}}


def _class_keys(doc: Document, cls: str) -> list[tuple]:
    return event_argument_keys(Document(doc.id, doc.text, doc.entities, doc.relations,
                                        tuple(e for e in doc.events if e.type == cls)))


def score_documents(gold: list[Document], pred: list[Document], with_seqeval: bool = True,
                    with_breakdown: bool = True) -> dict:
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
        "relaxed": relaxed_scores(gold, pred),
        "entities": {**_micro_macro(ent, ENTITY_TYPES), "seqeval": seqeval_entity_scores(gold, pred) if with_seqeval else {}},
        "relations": {"strict": _micro_macro(rel_strict, RELATION_TYPES), "boundaries": _micro_macro(rel_bound, RELATION_TYPES)},
        "events": {"persons": persons.to_dict(), "arguments": args.to_dict(),
                   **(event_breakdown(gold, pred) if with_breakdown else {})},
    }
