"""The CRF of the entity head against brute force: every tag path of short sequences enumerated."""
import itertools

import pytest
import torch

from vntransfer.model.crf import FORBIDDEN, TagCRF
from vntransfer.schema import TAGS

O, B, I = TAGS.index("O"), TAGS.index("B"), TAGS.index("I")


def crf_with_random_weights(layers: int = 2, seed: int = 0) -> TagCRF:
    torch.manual_seed(seed)
    crf = TagCRF(layers)
    with torch.no_grad():
        crf.transitions.normal_()
        crf.start.normal_()
    return crf


def brute_scores(crf: TagCRF, emissions: torch.Tensor, layer: int, length: int, allow_open_i: bool) -> dict:
    """score of every path of one layer of one sequence (emissions: (length, layers, tags))"""
    trans = crf._transitions()[layer]
    start = crf._start(allow_open_i)[layer]
    out = {}
    for path in itertools.product(range(len(TAGS)), repeat=length):
        s = start[path[0]] + emissions[0, layer, path[0]]
        for i in range(1, length):
            s = s + trans[path[i - 1], path[i]] + emissions[i, layer, path[i]]
        out[path] = s
    return out


def valid(path, allow_open_i) -> bool:
    if not allow_open_i and path[0] == I:
        return False
    return all(not (a == O and b == I) for a, b in zip(path, path[1:]))


@pytest.mark.parametrize("allow_open_i", [True, False])
def test_partition_path_score_and_marginals_match_enumeration(allow_open_i):
    crf = crf_with_random_weights()
    # lengths 6, 5, 3, 2 and 1: the pairwise (tree) products of log_partition meet odd and even counts, padding
    lengths = (6, 5, 3, 2, 1)
    emissions = torch.randn(len(lengths), 6, 2, len(TAGS))
    mask = torch.tensor([[i < n for i in range(6)] for n in lengths])
    log_z = crf.log_partition(emissions, mask, allow_open_i)
    marg = crf.marginals(emissions, mask, allow_open_i)
    for row, length in enumerate(lengths):
        for layer in range(2):
            scores = brute_scores(crf, emissions[row], layer, length, allow_open_i)
            allowed = {p: s for p, s in scores.items() if valid(p, allow_open_i)}
            expected = torch.logsumexp(torch.stack(list(allowed.values())), 0)
            assert log_z[row, layer].item() == pytest.approx(expected.item(), abs=1e-4)
            for i in range(length):
                for tag in range(len(TAGS)):
                    p = sum(torch.exp(s - expected).item() for path, s in allowed.items() if path[i] == tag)
                    assert marg[row, i, layer, tag].item() == pytest.approx(p, abs=1e-4)
            path = max(allowed, key=lambda k: allowed[k].item())
            tags = torch.zeros(1, 6, 2, dtype=torch.long)
            tags[0, :length, layer] = torch.tensor(path)
            one = crf.path_score(emissions[row:row + 1], tags, mask[row:row + 1], allow_open_i)
            assert one[0, layer].item() == pytest.approx(allowed[path].item(), abs=1e-4)
    assert marg[1, 5].abs().sum().item() == 0.0 and marg[4, 1:].abs().sum().item() == 0.0  # padding: no probability


def test_viterbi_is_the_best_valid_path_and_padding_repeats_the_last_tag():
    crf = crf_with_random_weights(seed=3)
    emissions = torch.randn(3, 5, 2, len(TAGS))
    emissions[2, 0, :, I] = 50.0  # an opening I is forbidden however strong its emission
    mask = torch.tensor([[1] * 5, [1, 1, 0, 0, 0], [1] * 5], dtype=torch.bool)
    best = crf.viterbi(emissions, mask)
    for row, length in ((0, 5), (1, 2), (2, 5)):
        for layer in range(2):
            scores = {p: s for p, s in brute_scores(crf, emissions[row], layer, length, False).items() if valid(p, False)}
            assert tuple(best[row, :length, layer].tolist()) == max(scores, key=lambda k: scores[k].item())
    assert best[1, 2:, 0].tolist() == [best[1, 1, 0].item()] * 3
    assert (best[2, 0] != I).all()


def test_no_path_takes_i_after_o_however_strong_the_emission():
    crf = TagCRF(1)
    emissions = torch.zeros(1, 3, 1, len(TAGS))
    emissions[0, 0, 0, O] = 20.0
    emissions[0, 1, 0, I] = 9.0  # O then I: the second tag must become B or O
    path = crf.viterbi(emissions, torch.ones(1, 3, dtype=torch.bool))[0, :, 0].tolist()
    assert path[0] == O and path[1] != I


def test_training_learns_transitions_that_join_a_span():
    """With emissions that cannot say where a span goes on, the learnt transitions keep B followed by I."""
    torch.manual_seed(0)
    crf = TagCRF(1)
    emissions = torch.zeros(8, 4, 1, len(TAGS), requires_grad=True)
    tags = torch.tensor([[O, B, I, O]] * 8).unsqueeze(-1)
    mask = torch.ones(8, 4, dtype=torch.bool)
    opt = torch.optim.Adam(list(crf.parameters()) + [emissions], lr=0.1)
    first = None
    for _ in range(60):
        loss = crf.neg_log_likelihood(emissions, tags, mask)
        first = loss.item() if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < first / 4
    assert crf.viterbi(emissions.detach(), mask)[0, :, 0].tolist() == [O, B, I, O]
    assert crf._transitions()[0, O, I].item() == FORBIDDEN
