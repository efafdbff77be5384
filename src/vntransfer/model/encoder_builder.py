"""The default encoder, built offline: a PhoBERT-style tokenizer (BPE over word-segmented Vietnamese,
`@@` continuation, `vocab.txt` + `bpe.codes` read by transformers' `PhobertTokenizer`) and a small
RoBERTa configuration sized for 2 CPU cores. The saved folder loads with `AutoTokenizer` /
`AutoModel`, exactly like `vinai/phobert-base-v2`.
"""
from __future__ import annotations

import json
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..text.words import segment_words, word_string


@contextmanager
def expected_fresh_weights() -> Iterator[None]:
    """Silence transformers' load report where fresh weights are the design, not a fault: the masked-LM
    head of an encoder about to be pretrained, the unused pooler of an encoder saved from a masked LM.
    Reports about checkpoints from elsewhere (PhoBERT) are left alone."""
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)


def segmented_lines(texts: Iterable[str]) -> list[str]:
    """Texts as PhoBERT sees them: one sentence a line, words joined with `_`."""
    lines = []
    for text in texts:
        for s in segment_words(text):
            lines.append(" ".join(word_string(s, w) for w in s.words))
    return lines


def train_bpe(lines: list[str], vocab_size: int) -> list[tuple[str, str]]:
    """BPE merges in subword-nmt form (`</w>` marks the end of a word), learned with `tokenizers`."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>", end_of_word_suffix="</w>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, show_progress=False,
                                  end_of_word_suffix="</w>", special_tokens=["<unk>"])
    tok.train_from_iterator(lines, trainer)
    merges = json.loads(tok.to_str())["model"]["merges"]
    return [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in merges]


def build_tokenizer(lines: list[str], out: Path, vocab_size: int = 6000):
    """Write `bpe.codes` and `vocab.txt` (fairseq dictionary) to `out` and return a PhobertTokenizer."""
    from transformers import PhobertTokenizer

    out.mkdir(parents=True, exist_ok=True)
    merges = train_bpe(lines, vocab_size)
    with (out / "bpe.codes").open("w", encoding="utf-8") as f:
        for n, (a, b) in enumerate(merges):
            f.write(f"{a} {b} {len(merges) - n}\n")
    # every character, as a word-final piece and as a continued piece, so nothing seen is unknown
    chars = Counter(c for line in lines for c in line if not c.isspace())
    (out / "vocab.txt").write_text("".join(f"{c} 1\n{c}@@ 1\n" for c in sorted(chars)), encoding="utf-8")
    probe = PhobertTokenizer(str(out / "vocab.txt"), str(out / "bpe.codes"))
    counts: Counter = Counter()
    for line in lines:
        counts.update(probe.tokenize(line))
    for c in chars:
        counts.setdefault(c, 0)
        counts.setdefault(c + "@@", 0)
    vocab = "".join(f"{piece} {n}\n" for piece, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    (out / "vocab.txt").write_text(vocab + "<mask> 0\n", encoding="utf-8")
    tokenizer = PhobertTokenizer(str(out / "vocab.txt"), str(out / "bpe.codes"))
    tokenizer.save_pretrained(out)
    return tokenizer


def build_default_encoder(texts: Iterable[str], out: str | Path, vocab_size: int = 6000, hidden_size: int = 192,
                          num_layers: int = 4, num_heads: int = 4, intermediate_size: int = 576,
                          max_length: int = 256, seed: int = 13, lines: Optional[list[str]] = None) -> Path:
    """Tokenizer and randomly initialised RoBERTa (PhoBERT's architecture, smaller) in `out`; the
    vocabulary is learned from `texts` (segmented here) or from already segmented `lines`."""
    import torch
    from transformers import AutoModel, RobertaConfig

    out = Path(out)
    tokenizer = build_tokenizer(lines if lines is not None else segmented_lines(texts), out, vocab_size)
    config = RobertaConfig(
        vocab_size=len(tokenizer), hidden_size=hidden_size, num_hidden_layers=num_layers,
        num_attention_heads=num_heads, intermediate_size=intermediate_size,
        max_position_embeddings=max_length + 2, type_vocab_size=1,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(seed)
    AutoModel.from_config(config).save_pretrained(out)
    return out
