"""The relation head's label mask: a pair of entity types can only get the labels SPEC.md allows it."""
from __future__ import annotations

import torch

from vntransfer.model.network import TransferExtractorModel, allowed_label_mask
from vntransfer.schema import RELATION_LABELS
from vntransfer.schema import ENTITY_TYPES, RELATION_SIGNATURES


def test_mask_allows_none_and_exactly_the_signature_labels():
    mask = allowed_label_mask()
    assert mask.shape == (len(ENTITY_TYPES), len(ENTITY_TYPES), len(RELATION_LABELS))
    for i, h in enumerate(ENTITY_TYPES):
        for j, t in enumerate(ENTITY_TYPES):
            allowed = {RELATION_LABELS[k] for k in mask[i, j].nonzero().flatten().tolist()}
            assert allowed == {"NONE"} | {r for r, sigs in RELATION_SIGNATURES.items() if (h, t) in sigs}, (h, t)
    index = {t: k for k, t in enumerate(ENTITY_TYPES)}
    person_body = mask[index["PERSON"], index["BODY"]]
    assert [RELATION_LABELS[k] for k in person_body.nonzero().flatten().tolist()] == ["NONE", "TRANSFERRED_TO"]
    assert mask[index["POSITION"], index["PERSON"]].tolist() == [True] + [False] * (len(RELATION_LABELS) - 1)


def _tiny_model() -> TransferExtractorModel:
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    config = BertConfig(vocab_size=20, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32)
    return TransferExtractorModel(BertModel(config)).eval()


def test_relation_logits_give_no_probability_to_a_forbidden_label():
    model = _tiny_model()
    states = torch.randn(1, 10, 16) * 50  # large states: unmasked logits would be far from uniform
    index = {t: k for k, t in enumerate(ENTITY_TYPES)}
    pairs = []
    for h in ENTITY_TYPES:
        for t in ENTITY_TYPES:
            pairs.append([0, 0, 1, 3, 4, index[h], index[t], 2])
    with torch.no_grad():
        probs = model.relation_logits(states, torch.tensor(pairs)).softmax(-1)
    mask = allowed_label_mask()
    for p, row in zip(pairs, probs):
        allowed = mask[p[5], p[6]]
        assert float(row[~allowed].sum()) < 1e-6 and abs(float(row[allowed].sum()) - 1) < 1e-5
    # a pair no relation admits (PERSON, PERSON) can only be NONE
    person = pairs[0]
    assert float(probs[0, 0]) > 1 - 1e-6 and (person[5], person[6]) == (index["PERSON"], index["PERSON"])
    assert model.relation_logits(states, torch.zeros(0, 8, dtype=torch.long)).shape == (0, len(RELATION_LABELS))
