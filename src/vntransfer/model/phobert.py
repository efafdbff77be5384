"""The PhoBERT path without PhoBERT's weights: an encoder folder made of PhoBERT's own tokenizer files
(`vocab.txt` + `bpe.codes`) and a randomly initialised RoBERTa of PhoBERT's shape. `train.py --encoder
DIR` reads it exactly as it would read `vinai/phobert-base`, so the whole pipeline (training, saving,
reloading, predicting, timing) runs as it will for a user who has the checkpoint.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

#: environment variable naming a folder with PhoBERT's `vocab.txt` and `bpe.codes`
TOKENIZER_ENV = "VNTRANSFER_PHOBERT_TOKENIZER"
#: where the project keeps them, relative to the checkout (shared/, beside the repository)
SHARED_TOKENIZER = Path(__file__).resolve().parents[4] / "shared" / "phobert-tokenizer"

#: RoBERTa shapes of the published checkpoints (config.json of vinai/phobert-base and -large)
SHAPES = {
    "phobert-base": {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
                     "intermediate_size": 3072},
    "phobert-large": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16,
                      "intermediate_size": 4096},
}
#: what both share: 256 positions (+2, RoBERTa's offset), one token type
COMMON = {"max_position_embeddings": 258, "type_vocab_size": 1, "layer_norm_eps": 1e-5}


def find_tokenizer_dir() -> Optional[Path]:
    """PhoBERT's tokenizer files: `$VNTRANSFER_PHOBERT_TOKENIZER`, else `../shared/phobert-tokenizer`
    beside the checkout; None when neither holds `vocab.txt` and `bpe.codes`."""
    env = os.environ.get(TOKENIZER_ENV)
    for candidate in ([Path(env)] if env else []) + [SHARED_TOKENIZER]:
        if (candidate / "vocab.txt").is_file() and (candidate / "bpe.codes").is_file():
            return candidate
    return None


def load_tokenizer(directory: Union[str, Path]):
    """PhobertTokenizer from a folder with `vocab.txt` (fairseq dictionary) and `bpe.codes`."""
    from transformers import PhobertTokenizer

    directory = Path(directory)
    missing = [n for n in ("vocab.txt", "bpe.codes") if not (directory / n).is_file()]
    if missing:
        raise FileNotFoundError(f"{directory}: no {' or '.join(missing)} (PhoBERT's tokenizer files)")
    return PhobertTokenizer(vocab_file=str(directory / "vocab.txt"), merges_file=str(directory / "bpe.codes"))


def encoder_config(tokenizer, like: str = "phobert-base", **overrides):
    """The `RobertaConfig` of `like` for `tokenizer` (its vocabulary size and special tokens); fields in
    `overrides` change the shape (e.g. a small one for tests)."""
    from transformers import RobertaConfig

    if like not in SHAPES:
        raise ValueError(f"unknown shape {like!r}; one of {', '.join(SHAPES)}")
    return RobertaConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         **{**SHAPES[like], **COMMON, **overrides})


def init_encoder(tokenizer_dir: Union[str, Path], out: Union[str, Path], like: str = "phobert-base",
                 seed: int = 13, **overrides) -> Path:
    """Write PhoBERT's tokenizer and a randomly initialised RobertaModel of `like`'s shape (see
    `encoder_config`) into `out`: a folder that `train.py --encoder` and `AutoModel` read."""
    import torch
    from transformers import AutoModel

    tokenizer = load_tokenizer(tokenizer_dir)
    config = encoder_config(tokenizer, like, **overrides)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    AutoModel.from_config(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
