"""Emissions -> tag sequences: a linear-chain CRF over the O/B/I tags of each entity-type layer, in the manner
of flair's `SequenceTagger(use_crf=True)`, one transition matrix per type (a LOCALITY layer can run inside a
BODY layer, so each layer is its own chain).

Training maximises the log-likelihood of the gold tag paths (`neg_log_likelihood`, the forward algorithm);
prediction takes the best path of each layer (`viterbi`) and, for span scores and the repairs that weigh types
against each other, each syllable's posterior tag probabilities (`marginals`, forward-backward). "I" may not
follow "O" (IOB2), and a sentence does not open with "I"; a training window cut out of a long sentence may, so
the opening constraint is applied where whole sentences are decoded (`allow_open_i=False`).
"""
from __future__ import annotations

import torch
from torch import nn

from ..schema import TAGS

_O, _B, _I = TAGS.index("O"), TAGS.index("B"), TAGS.index("I")
#: a transition no path may take (finite, so that sums and gradients stay defined)
FORBIDDEN = -1e4


def _allowed_transitions() -> torch.Tensor:
    allowed = torch.ones(len(TAGS), len(TAGS), dtype=torch.bool)
    allowed[_O, _I] = False
    return allowed


class TagCRF(nn.Module):
    """One linear chain per entity-type layer: `transitions[l, a, b]` scores tag b after tag a in layer l,
    `start[l, t]` a sequence that opens with t. Emissions: (batch, length, layers, tags); mask: (batch,
    length) booleans, True on real syllables (a prefix of each row)."""

    def __init__(self, n_layers: int, n_tags: int = len(TAGS)):
        super().__init__()
        self.n_layers, self.n_tags = n_layers, n_tags
        self.transitions = nn.Parameter(torch.zeros(n_layers, n_tags, n_tags))
        self.start = nn.Parameter(torch.zeros(n_layers, n_tags))
        self.register_buffer("allowed", _allowed_transitions(), persistent=False)

    def _transitions(self) -> torch.Tensor:
        return self.transitions.masked_fill(~self.allowed, FORBIDDEN)

    def _start(self, allow_open_i: bool) -> torch.Tensor:
        if allow_open_i:
            return self.start
        return self.start.masked_fill(torch.arange(self.n_tags, device=self.start.device) == _I, FORBIDDEN)

    def _flat(self, emissions: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch * layers, length, tags) emissions and the mask repeated per layer."""
        b, s, l, t = emissions.shape
        return emissions.permute(0, 2, 1, 3).reshape(b * l, s, t), mask.repeat_interleave(l, dim=0)

    def log_partition(self, emissions: torch.Tensor, mask: torch.Tensor, allow_open_i: bool = True) -> torch.Tensor:
        """(batch, layers): log of the summed scores of every tag path. The forward algorithm as a product of
        per-position (tags x tags) matrices in log space, multiplied pairwise in a tree: log2(length) steps of
        batched tensor operations instead of one small step per syllable (the training loop is bound by the
        number of operations, not their size). A padded position is the identity matrix."""
        b, s, l, t = emissions.shape
        em, m = self._flat(emissions, mask)
        alpha = self._start(allow_open_i).repeat(b, 1) + em[:, 0]  # (b*l, t)
        if s > 1:
            step = self._transitions().repeat(b, 1, 1).unsqueeze(1) + em[:, 1:].unsqueeze(2)  # (b*l, s-1, from, to)
            identity = torch.full((t, t), FORBIDDEN, dtype=step.dtype, device=step.device).fill_diagonal_(0.0)
            step = torch.where(m[:, 1:, None, None], step, identity)
            while step.size(1) > 1:
                if step.size(1) % 2:
                    step = torch.cat([step, identity.expand(step.size(0), 1, t, t)], dim=1)
                left, right = step[:, 0::2], step[:, 1::2]
                step = torch.logsumexp(left.unsqueeze(-1) + right.unsqueeze(-3), dim=-2)  # (.., from, mid, to)
            alpha = torch.logsumexp(alpha.unsqueeze(-1) + step[:, 0], dim=1)
        return torch.logsumexp(alpha, dim=-1).view(b, l)

    def path_score(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor,
                   allow_open_i: bool = True) -> torch.Tensor:
        """(batch, layers): score of the given tag paths (tags: (batch, length, layers); padding ignored)."""
        b, s, l, t = emissions.shape
        em, m = self._flat(emissions, mask)
        tg = tags.permute(0, 2, 1).reshape(b * l, s).clamp(min=0)
        layer = torch.arange(l, device=tags.device).repeat(b)
        real = m[:, 1:].to(em.dtype)  # the first position always counts, as in `log_partition`
        emitted = em.gather(2, tg.unsqueeze(2)).squeeze(2)  # (b*l, s)
        score = self._start(allow_open_i)[layer, tg[:, 0]] + emitted[:, 0]
        if s > 1:
            moves = self._transitions()[layer.unsqueeze(1), tg[:, :-1], tg[:, 1:]]  # (b*l, s-1)
            score = score + ((emitted[:, 1:] + moves) * real).sum(1)
        return score.view(b, l)

    def neg_log_likelihood(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """-log p(gold path) summed over sequences and layers, divided by the number of real (syllable, layer)
        places: a per-tag loss on the scale of the cross-entropy of independent tags."""
        places = mask.sum() * emissions.size(2)
        if not bool(places):
            return emissions.sum() * 0.0
        nll = self.log_partition(emissions, mask) - self.path_score(emissions, tags, mask)
        return nll.sum() / places

    def marginals(self, emissions: torch.Tensor, mask: torch.Tensor, allow_open_i: bool = False) -> torch.Tensor:
        """(batch, length, layers, tags): posterior probability of each tag at each syllable (0 on padding).
        Forward-backward in probability space, each step renormalised (three tags: a small matrix product per
        step is cheaper than log-space sums, and the scaling keeps it in range); `log_partition` stays in log
        space for training."""
        b, s, l, t = emissions.shape
        em, m = self._flat(emissions, mask)
        em = (em - em.max(dim=-1, keepdim=True).values).exp()  # per-position scale: cancels in the normalisation
        trans = self._transitions().exp().repeat(b, 1, 1)  # (b*l, from, to); forbidden -> 0
        start = self._start(allow_open_i)
        alpha = (start - start.max(dim=-1, keepdim=True).values).exp().repeat(b, 1) * em[:, 0]
        alpha = alpha / alpha.sum(-1, keepdim=True)
        alphas = [alpha]
        for i in range(1, s):
            nxt = torch.bmm(alpha.unsqueeze(1), trans).squeeze(1) * em[:, i]
            alpha = torch.where(m[:, i:i + 1], nxt / nxt.sum(-1, keepdim=True), alpha)
            alphas.append(alpha)
        beta = torch.ones_like(alpha)
        betas = [beta]
        for i in range(s - 1, 0, -1):
            prev = torch.bmm(trans, (em[:, i] * beta).unsqueeze(2)).squeeze(2)
            beta = torch.where(m[:, i:i + 1], prev / prev.sum(-1, keepdim=True), beta)
            betas.append(beta)
        betas.reverse()
        post = torch.stack(alphas, dim=1) * torch.stack(betas, dim=1)  # (b*l, s, t)
        post = post / post.sum(-1, keepdim=True) * m.unsqueeze(-1)
        return post.view(b, l, s, t).permute(0, 2, 1, 3)

    def viterbi(self, emissions: torch.Tensor, mask: torch.Tensor, allow_open_i: bool = False) -> torch.Tensor:
        """(batch, length, layers) tag indices: the best path of each layer of each sequence (padding: the last
        real tag repeated)."""
        b, s, l, t = emissions.shape
        em, m = self._flat(emissions, mask)
        trans = self._transitions().repeat(b, 1, 1)  # (b*l, from, to)
        score = self._start(allow_open_i).repeat(b, 1) + em[:, 0]
        keep = torch.arange(t, device=emissions.device).expand(b * l, t)
        back = []
        for i in range(1, s):
            best_score, best = (score.unsqueeze(2) + trans).max(dim=1)
            real = m[:, i:i + 1]
            score = torch.where(real, best_score + em[:, i], score)
            back.append(torch.where(real, best, keep))
        last = score.argmax(-1)
        path = [last]
        for best in reversed(back):
            last = best.gather(1, last.unsqueeze(1)).squeeze(1)
            path.append(last)
        path.reverse()
        return torch.stack(path, dim=1).view(b, l, s).permute(0, 2, 1)
