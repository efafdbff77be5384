"""Relation candidates and their labels: which entity pairs the relation head is asked about."""
from __future__ import annotations

import itertools

import pytest

from vntransfer.model.batching import Example, candidate_pairs, collate
from vntransfer.schema import RELATION_LABELS
from vntransfer.schema import ALLOWED_NESTING, ENTITY_TYPES, RELATION_SIGNATURES

PERSON, POSITION, BODY, LOC = (ENTITY_TYPES.index(t) for t in ("PERSON", "POSITION", "BODY", "LOCALITY"))


def test_candidates_are_the_ordered_pairs_some_relation_admits():
    # ông [An] , [Giám đốc] [Sở Nội vụ [tỉnh Lào Cai]] , về [xã Bản Lầu]
    entities = [(1, 1, PERSON), (3, 4, POSITION), (5, 10, BODY), (8, 10, LOC), (13, 15, LOC)]
    assert sorted(candidate_pairs(entities)) == [
        (0, 1),          # PERSON -> POSITION: HOLDS, APPOINTED_TO
        (0, 2),          # PERSON -> BODY: TRANSFERRED_TO
        (0, 3), (0, 4),  # PERSON -> LOCALITY: TRANSFERRED_TO (nested or not)
        (1, 2),          # POSITION -> BODY: OF
        (2, 3),          # BODY -> LOCALITY: LOCATED_IN, only the place nested in the body (not 2 -> 4)
    ]


def test_no_pair_the_schema_forbids_and_every_pair_it_allows():
    spans = {t: (10 * k, 10 * k + 1, k) for k, t in enumerate(ENTITY_TYPES)}  # one entity per type, apart
    entities = list(spans.values())
    pairs = {(ENTITY_TYPES[entities[a][2]], ENTITY_TYPES[entities[b][2]]) for a, b in candidate_pairs(entities)}
    allowed = {pair for sigs in RELATION_SIGNATURES.values() for pair in sigs}
    nested_only = {(outer, inner) for inner, outer in ALLOWED_NESTING}
    assert pairs == allowed - nested_only  # apart, a body and a place are never a candidate
    assert not any(a == b for a, b in candidate_pairs(entities + entities))  # no entity with itself
    # nested: the body's own place becomes a candidate, a place that contains the body does not
    assert candidate_pairs([(0, 3, BODY), (2, 3, LOC)]) == [(0, 1)]
    assert candidate_pairs([(2, 3, BODY), (0, 3, LOC)]) == []


@pytest.mark.parametrize("head,tail", list(itertools.product(range(len(ENTITY_TYPES)), repeat=2)))
def test_candidate_pairs_agree_with_the_relation_signatures(head, tail):
    h, t = ENTITY_TYPES[head], ENTITY_TYPES[tail]
    admitted = any((h, t) in sigs for sigs in RELATION_SIGNATURES.values())
    nested = [(0, 5, head), (2, 3, tail)] if head != tail else [(0, 1, head), (3, 4, tail)]
    assert (candidate_pairs(nested) == [(0, 1)]) == admitted


def test_gold_relations_label_their_pairs_and_the_rest_are_none():
    entities = [(1, 1, PERSON), (3, 4, POSITION), (5, 10, BODY), (8, 10, LOC)]
    gold = {(0, 1): RELATION_LABELS.index("APPOINTED_TO"), (1, 2): RELATION_LABELS.index("OF"),
            (2, 3): RELATION_LABELS.index("LOCATED_IN")}
    window = _window(12)
    example = Example(window, None, [[0] * len(ENTITY_TYPES) for _ in range(12)], entities, gold)
    batch = collate([example, example], pad_id=1)
    pairs = batch["pairs"].tolist()
    labels = batch["relation_labels"].tolist()
    assert len(pairs) == 2 * len(candidate_pairs(entities))
    got = {(p[0], (p[1], p[2], p[5]), (p[3], p[4], p[6])): lab for p, lab in zip(pairs, labels)}
    for b in (0, 1):
        for (hi, ti), lab in gold.items():
            assert got.pop((b, entities[hi], entities[ti])) == lab
    assert set(got.values()) == {0}  # every other candidate is NONE
    assert batch["pairs"].shape == (len(pairs), 8)


def _window(n: int):
    from vntransfer.model.tensors import Window

    return Window(0, 0, n - 1, tuple(range(n + 2)), tuple(range(1, n + 1)), (0,) * n, (0,) * n)


def test_perturbed_relation_pairs_move_one_edge_by_one_syllable_and_keep_the_label():
    import random

    from vntransfer.model.batching import Example, collate, perturbed
    from vntransfer.model.tensors import Window

    rng = random.Random(0)
    for _ in range(200):
        f, l, t = perturbed((2, 4, 1), 6, rng)
        assert t == 1 and 0 <= f <= l < 6 and abs(f - 2) + abs(l - 4) == 1
    assert perturbed((0, 0, 1), 1, rng) is None  # a one-syllable window: nothing to move
    window = Window(0, 0, 5, list(range(8)), list(range(1, 7)), [0] * 6, [0] * 6)
    x = Example(window, None, [[0] * 4 for _ in range(6)], [(0, 1, 0), (3, 4, 1)], {(0, 1): 1}, [0] * 6)
    plain = collate([x], 0)
    assert plain["pairs"].shape[0] == 1 and plain["relation_labels"].tolist() == [1]
    every = collate([x], 0, perturb=1.0, rng=random.Random(1))
    assert every["relation_labels"].tolist() == [1, 1]
    gold, moved = every["pairs"].tolist()
    assert gold == plain["pairs"].tolist()[0]
    edges = [abs(a - b) for a, b in zip(gold[1:5], moved[1:5])]
    assert sorted(edges) == [0, 0, 0, 1] and moved[5:7] == gold[5:7]
