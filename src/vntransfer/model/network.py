"""Tensors -> scores: a transformer encoder with an entity head and a relation head.

* Entity head: per entity type, O/B/I logits for every syllable (one tag layer per type, so a
  LOCALITY can sit inside a BODY); with `crf`, the logits are the emissions of a linear-chain CRF per type
  layer (`model/crf.py`: trained on whole tag paths, decoded by Viterbi), else independent softmaxes.
* Trigger head (optional): per syllable, O or B-/I- of an event class (schema.TRIGGER_TAGS), trained
  on the gold events' trigger words, so triggers are found in context rather than looked up.
* Relation head: for each ordered pair of entities whose types some relation admits, logits over
  NONE + the relation types; types SPEC.md does not allow for the pair are masked out.
"""
from __future__ import annotations

import torch
from torch import nn

from ..lexicons.gazetteer import N_GAZETTEER_FEATURES
from ..schema import ENTITY_TYPES, RELATION_LABELS, TAGS, TRIGGER_TAGS, relation_types_for
from .crf import TagCRF
from .tensors import N_SYLLABLE_KINDS

DISTANCE_BUCKETS = (0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64)


def distance_bucket(d: int) -> int:
    d = abs(d)
    return max(i for i, b in enumerate(DISTANCE_BUCKETS) if d >= b)


def allowed_label_mask() -> torch.Tensor:
    """(n_types, n_types, n_labels) boolean: which relation labels a (head type, tail type) admits."""
    n = len(ENTITY_TYPES)
    mask = torch.zeros(n, n, len(RELATION_LABELS), dtype=torch.bool)
    mask[:, :, 0] = True
    for i, h in enumerate(ENTITY_TYPES):
        for j, t in enumerate(ENTITY_TYPES):
            for r in relation_types_for(h, t):
                mask[i, j, RELATION_LABELS.index(r)] = True
    return mask


def bidirectional_lstm(lstm: nn.LSTM, states: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """(batch, syllables, 2 * lstm hidden): a one-layer bidirectional `lstm` over each sequence's first `lengths`
    positions, zeros after them; the same as running it on a packed sequence. Each direction is one padded call
    (which, unlike a packed one, torch runs as a fused oneDNN kernel with its own backward on CPUs: about 2.5
    times faster in training): the forward direction never reads past a sequence's end, and the backward one
    reads each sequence reversed within its length."""
    if lstm.num_layers != 1 or not lstm.bidirectional or not lstm.bias or lstm.proj_size:
        raise ValueError("bidirectional_lstm takes a one-layer bidirectional nn.LSTM with biases and no projection")
    b, s, _ = states.shape
    t = torch.arange(s, device=states.device)[None, :]
    n = lengths.to(states.device)[:, None]
    inside = t < n
    reverse = torch.where(inside, n - 1 - t, t)  # its own inverse
    h0 = states.new_zeros(1, b, lstm.hidden_size)
    weights = lstm._flat_weights  # w_ih, w_hh, b_ih, b_hh of the forward direction, then of the backward one
    # torch._VF.lstm is the call nn.LSTM.forward makes; here once per direction, unidirectional
    forward = torch._VF.lstm(states, (h0, h0), weights[:4], lstm.bias, 1, 0.0, lstm.training, False, True)[0]
    flipped = torch.gather(states, 1, reverse[..., None].expand_as(states))
    backward = torch._VF.lstm(flipped, (h0, h0), weights[4:], lstm.bias, 1, 0.0, lstm.training, False, True)[0]
    backward = torch.gather(backward, 1, reverse[..., None].expand_as(backward))
    return torch.cat([forward, backward], dim=-1) * inside[..., None]


class RangeMax:
    """Max-pooling of `states` (batch, positions, hidden) over inclusive position ranges, by a sparse table:
    level k holds the max of the 2**k positions from each position on, and a range is the max of two
    (overlapping) windows of its level, so each query reads two vectors instead of a whole masked sequence.
    Empty ranges (first > last) pool to zeros. Values are those of a masked max; gradients too (a max that
    the two windows share is split between them and summed back on the one position)."""

    def __init__(self, states: torch.Tensor):
        levels = [states]
        width = 1
        while 2 * width <= states.size(1):
            previous = levels[-1]
            shifted = torch.cat([previous[:, width:], previous[:, -width:]], dim=1)  # tail entries are never read
            levels.append(torch.maximum(previous, shifted))
            width *= 2
        self.table = torch.stack(levels)  # (levels, batch, positions, hidden)
        self.widths = 2 ** torch.arange(len(levels), device=states.device)

    def __call__(self, batch: torch.Tensor, first: torch.Tensor, last: torch.Tensor) -> torch.Tensor:
        empty = last < first
        size = torch.where(empty, torch.ones_like(first), last - first + 1)
        level = (size[:, None] >= self.widths[None, :]).sum(1) - 1  # floor(log2(size)), exactly
        start = torch.where(empty, torch.zeros_like(first), first)
        end = torch.where(empty, torch.zeros_like(first), last - (1 << level) + 1)
        x = torch.maximum(self.table[level, batch, start], self.table[level, batch, end])
        return x.masked_fill(empty[:, None], 0.0)


class TransferExtractorModel(nn.Module):
    def __init__(self, encoder: nn.Module, dropout: float = 0.1, type_dim: int = 16, distance_dim: int = 16,
                 gazetteer: bool = False, context_layer: bool = False, trigger_head: bool = False,
                 crf: bool = False):
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.options = {"gazetteer": gazetteer, "context_layer": context_layer, "trigger_head": trigger_head, "crf": crf}
        self.kind_embedding = nn.Embedding(N_SYLLABLE_KINDS, hidden)
        # gazetteer hints (lexicons/gazetteer.py) added to each syllable's state
        self.gazetteer_embedding = nn.Embedding(N_GAZETTEER_FEATURES, hidden) if gazetteer else None
        # a BiLSTM over the syllables (flair-style) sees the kinds and hints of the neighbours
        self.context = nn.LSTM(hidden, hidden // 2, batch_first=True, bidirectional=True) if context_layer else None
        self.dropout = nn.Dropout(dropout)
        self.entity_head = nn.Linear(hidden, len(ENTITY_TYPES) * len(TAGS))
        self.crf = TagCRF(len(ENTITY_TYPES)) if crf else None
        self.trigger_head = nn.Linear(hidden, len(TRIGGER_TAGS)) if trigger_head else None
        self.type_embedding = nn.Embedding(len(ENTITY_TYPES), type_dim)
        self.distance_embedding = nn.Embedding(len(DISTANCE_BUCKETS), distance_dim)
        self.relation_head = nn.Sequential(
            nn.Linear(3 * hidden + 2 * type_dim + distance_dim, hidden),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, len(RELATION_LABELS)),
        )
        self.register_buffer("label_mask", allowed_label_mask(), persistent=False)

    def syllable_states(self, input_ids, attention_mask, syllable_token, syllable_kind,
                        syllable_gazetteer=None, syllable_mask=None) -> torch.Tensor:
        """(batch, syllables, hidden): the representing sub-token's state plus the slot embedding (and
        the gazetteer hint), read in context by the BiLSTM when the model has one."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        index = syllable_token.unsqueeze(-1).expand(-1, -1, hidden.size(-1))
        states = torch.gather(hidden, 1, index) + self.kind_embedding(syllable_kind)
        if self.gazetteer_embedding is not None and syllable_gazetteer is not None:
            states = states + self.gazetteer_embedding(syllable_gazetteer)
        if self.context is not None:
            if syllable_mask is None:
                lengths = torch.full((states.size(0),), states.size(1), dtype=torch.long, device=states.device)
            else:
                lengths = syllable_mask.sum(1).clamp(min=1)
            states = states + bidirectional_lstm(self.context, states, lengths)
        return self.dropout(states)

    def entity_logits(self, states: torch.Tensor) -> torch.Tensor:
        """(batch, syllables, entity types, tags)"""
        b, s, _ = states.shape
        return self.entity_head(states).view(b, s, len(ENTITY_TYPES), len(TAGS))

    def entity_loss(self, states: torch.Tensor, tags: torch.Tensor, syllable_mask: torch.Tensor) -> torch.Tensor:
        """Per-tag loss of the gold tags (batch, syllables, types; -100 on padding): the CRF's negative
        log-likelihood of the gold paths, or the cross-entropy of independent tags."""
        logits = self.entity_logits(states)
        if self.crf is None:
            return nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), tags.reshape(-1), ignore_index=-100)
        return self.crf.neg_log_likelihood(logits, tags, syllable_mask.bool() & (tags[..., 0] != -100))

    def trigger_logits(self, states: torch.Tensor) -> torch.Tensor | None:
        """(batch, syllables, trigger tags), or None for a model without a trigger head"""
        return None if self.trigger_head is None else self.trigger_head(states)

    def relation_logits(self, states: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
        """pairs: (P, 8) long = batch, head first, head last, tail first, tail last, head type,
        tail type, distance bucket (syllable indices inclusive). Returns (P, labels), masked."""
        if pairs.numel() == 0:
            return states.new_zeros(0, len(RELATION_LABELS))
        pool = RangeMax(states)
        b = pairs[:, 0]
        head = pool(b, pairs[:, 1], pairs[:, 2])
        tail = pool(b, pairs[:, 3], pairs[:, 4])
        lo = torch.minimum(pairs[:, 2], pairs[:, 4]) + 1
        hi = torch.maximum(pairs[:, 1], pairs[:, 3]) - 1
        between = pool(b, lo, hi)
        features = torch.cat([
            head, tail, between,
            self.type_embedding(pairs[:, 5]), self.type_embedding(pairs[:, 6]),
            self.distance_embedding(pairs[:, 7]),
        ], dim=-1)
        logits = self.relation_head(features)
        allowed = self.label_mask[pairs[:, 5], pairs[:, 6]]
        return logits.masked_fill(~allowed, -1e4)
