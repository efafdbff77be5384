"""Inter-annotator agreement between two independent annotation passes of the same documents: one pass
scored against the other with the metrics of `scoring` (so it sits with evaluation, not annotation)."""
from __future__ import annotations

from pathlib import Path

from ..annotation.corpus import load_documents
from .scoring import PRF, compare, entity_keys, event_argument_keys, relation_keys


def agreement(pass_a: list, pass_b: list) -> list[dict]:
    """Per document (matched by id) entity, relation and event-argument F1 of pass B against pass A."""
    b_by_id = {d.id: d for d in pass_b}
    rows = []
    for a in sorted(pass_a, key=lambda d: d.id):
        b = b_by_id.get(a.id)
        if b is None:
            continue
        if a.text != b.text:
            raise ValueError(f"{a.id}: the two passes annotate different texts")
        rows.append({
            "document": a.id,
            "entities": compare(entity_keys(a), entity_keys(b)),
            "relations": compare(relation_keys(a), relation_keys(b)),
            "events": compare(event_argument_keys(a), event_argument_keys(b)),
            "n_entities": (len(a.entities), len(b.entities)),
            "n_relations": (len(a.relations), len(b.relations)),
        })
    return rows


def agreement_markdown(rows: list[dict]) -> str:
    lines = [
        "| document | entities A/B | entity F1 | relations A/B | relation F1 | event-argument F1 |",
        "|---|---|---|---|---|---|",
    ]
    total = {k: PRF(0, 0, 0) for k in ("entities", "relations", "events")}
    for r in rows:
        for k in total:
            total[k] = total[k] + r[k]
        ev = r["events"]
        lines.append(
            f"| {r['document']} | {r['n_entities'][0]}/{r['n_entities'][1]} | {r['entities'].f1:.3f} "
            f"| {r['n_relations'][0]}/{r['n_relations'][1]} | {r['relations'].f1:.3f} "
            f"| {ev.f1:.3f}{' (no events in either pass)' if not ev.tp + ev.fp + ev.fn else ''} |"
        )
    lines.append(
        f"| **all (micro)** | | {total['entities'].f1:.3f} | | {total['relations'].f1:.3f} | {total['events'].f1:.3f} |"
    )
    return "\n".join(lines)


def agreement_between(dir_a: str | Path, dir_b: str | Path) -> str:
    return agreement_markdown(agreement(load_documents([dir_a]), load_documents([dir_b])))
