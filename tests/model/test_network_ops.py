"""The network's two hand-made operations against the plain torch ones they stand for: the range max-pooling of
the relation head (RangeMax) and the bidirectional LSTM over padded sequences (bidirectional_lstm)."""
from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from vntransfer.model.network import RangeMax, bidirectional_lstm


@pytest.mark.parametrize("length", [1, 2, 3, 5, 8, 13, 16, 17])
def test_range_max_equals_a_masked_max_in_values_and_gradients(length):
    torch.manual_seed(length)
    states = torch.randn(3, length, 4, dtype=torch.double, requires_grad=True)
    # every range of every sequence, empty ones (last = first - 1, as between two adjacent spans) included
    queries = [(b, f, l) for b in range(3) for f in range(length) for l in range(f - 1, length)]
    batch, first, last = (torch.tensor(col) for col in zip(*queries))
    pooled = RangeMax(states)(batch, first, last)
    expected = torch.stack([states[b, f:l + 1].max(0).values if l >= f else states.new_zeros(4) for b, f, l in queries])
    assert torch.equal(pooled, expected)
    weights = torch.randn_like(pooled)
    got, = torch.autograd.grad((pooled * weights).sum(), states)
    want, = torch.autograd.grad((expected * weights).sum(), states)
    assert torch.allclose(got, want)


def test_range_max_of_an_inverted_range_is_zero_not_a_neighbours_value():
    states = torch.arange(1.0, 7.0).view(1, 6, 1)
    pooled = RangeMax(states)(torch.tensor([0, 0]), torch.tensor([4, 2]), torch.tensor([1, 2]))
    assert pooled.flatten().tolist() == [0.0, 3.0]


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("dtype", [torch.double, torch.float])  # float: the fused oneDNN kernel on CPUs
def test_bidirectional_lstm_equals_the_packed_lstm(training, dtype):
    torch.manual_seed(0)
    lstm = nn.LSTM(8, 3, batch_first=True, bidirectional=True).to(dtype).train(training)
    states = torch.randn(4, 7, 8, dtype=dtype, requires_grad=True)
    lengths = torch.tensor([7, 1, 4, 6])
    got = bidirectional_lstm(lstm, states, lengths)
    packed = pack_padded_sequence(states, lengths, batch_first=True, enforce_sorted=False)
    want, _ = pad_packed_sequence(lstm(packed)[0], batch_first=True, total_length=7)
    assert torch.allclose(got, want, atol=1e-6)
    assert got[1, 1:].abs().sum() == 0  # nothing after a sequence's end
    weights = torch.randn_like(want)
    params = [states, *lstm.parameters()]
    for g, w in zip(torch.autograd.grad((got * weights).sum(), params), torch.autograd.grad((want * weights).sum(), params)):
        assert torch.allclose(g, w, atol=1e-5)


def test_bidirectional_lstm_refuses_an_lstm_it_would_misread():
    with pytest.raises(ValueError, match="one-layer bidirectional"):
        bidirectional_lstm(nn.LSTM(4, 2, num_layers=2, bidirectional=True), torch.zeros(1, 3, 4), torch.tensor([3]))
    with pytest.raises(ValueError, match="one-layer bidirectional"):
        bidirectional_lstm(nn.LSTM(4, 2), torch.zeros(1, 3, 4), torch.tensor([3]))
