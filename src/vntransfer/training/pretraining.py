"""Masked-language-model pretraining of the default encoder on all the Vietnamese text the project
can reach: its own texts (seeds, written corpus, generated documents) and text shipped inside
installed packages (underthesea's VLSP 2013 POS-tagged news sample). The vocabulary is learned on the
same text. The result loads with `AutoModel` like any checkpoint and carries a `pretrained.json`."""
from __future__ import annotations

import json
import logging
import math
import random
import time
from pathlib import Path
from typing import Iterable, Optional

from ..annotation.corpus import load_documents
from ..model.encoder_builder import build_default_encoder, expected_fresh_weights, segmented_lines

logger = logging.getLogger(__name__)


def package_sentences() -> list[str]:
    """Word-segmented sentences of underthesea's bundled VLSP 2013 sample (one word a line there)."""
    import underthesea

    root = Path(underthesea.__file__).parent
    lines, words = [], []
    for path in sorted(root.rglob("test_output.txt")):
        for row in path.read_text(encoding="utf-8").splitlines():
            if not row.strip():
                if words:
                    lines.append(" ".join(words))
                words = []
                continue
            word = row.split("\t")[0].strip()
            if word:
                words.append(word.replace(" ", "_"))
        if words:
            lines.append(" ".join(words))
            words = []
    return lines


def source_texts(sources: Iterable[str]) -> list[str]:
    """The texts of the .txt files and SPEC.md documents under `sources` (files or folders), as pretraining reads them."""
    sources = list(sources)
    texts = []
    for src in map(Path, sources):
        files = sorted(src.rglob("*")) if src.is_dir() else [src]
        texts += [f.read_text(encoding="utf-8") for f in files if f.suffix == ".txt"]
    docs = load_documents([s for s in sources if Path(s).suffix in (".json", ".jsonl") or Path(s).is_dir()])
    return texts + [d.text for d in docs]


def corpus_lines(sources: Iterable[str], include_package_text: bool = True) -> list[str]:
    """Segmented lines from SPEC.md documents and .txt files under `sources`, plus package text."""
    lines = segmented_lines(source_texts(sources))
    if include_package_text:
        lines += package_sentences()
    return [line for line in lines if line.strip()]


def masked_lm_loss(model, batch: dict):
    """The masked-LM loss of `RobertaForMaskedLM` (mean cross-entropy over the masked tokens), with the vocabulary
    projection applied to the masked positions only: about 15% of the tokens, so the step takes about half the
    time of `model(**batch).loss`, which projects every position and then ignores most of them."""
    import torch.nn.functional as F

    hidden = model.roberta(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
    masked = batch["labels"] != -100
    return F.cross_entropy(model.lm_head(hidden[masked]), batch["labels"][masked])


def pretrain(out: str | Path, lines: list[str], steps: int = 2000, batch_size: int = 32, learning_rate: float = 5e-4,
             max_length: int = 128, seed: int = 13, hidden_size: int = 128, num_layers: int = 2, num_heads: int = 4,
             vocab_size: int = 8000, progress: bool = True, sources: Optional[list[str]] = None,
             package_text: bool = True) -> Path:
    """Build the tokenizer and encoder in `out` from `lines`, then train it as a masked LM."""
    import torch
    from transformers import AutoTokenizer, DataCollatorForLanguageModeling, RobertaForMaskedLM

    from .trainer import optimizer_step, warmup_linear_decay

    out = Path(out)
    begun = time.perf_counter()
    torch.manual_seed(seed)
    rng = random.Random(seed)
    build_default_encoder([], out, vocab_size=vocab_size, hidden_size=hidden_size, num_layers=num_layers,
                          num_heads=num_heads, intermediate_size=3 * hidden_size, seed=seed, lines=lines)
    tokenizer = AutoTokenizer.from_pretrained(out, use_fast=False)
    with expected_fresh_weights():  # the masked-LM head is new
        model = RobertaForMaskedLM.from_pretrained(out)
    encoded = [tokenizer(line, truncation=True, max_length=max_length)["input_ids"] for line in lines]
    encoded = [e for e in encoded if len(e) > 3]
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.01, fused=True)
    scheduler = warmup_linear_decay(optimizer, steps, max(1, steps // 20))
    model.train()
    bar = range(steps)
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(bar, desc="masked-LM pretraining")
    losses = []
    for step in bar:
        batch = collator([{"input_ids": encoded[rng.randrange(len(encoded))]} for _ in range(batch_size)])
        loss = masked_lm_loss(model, batch)
        optimizer_step(loss, model, optimizer, scheduler)
        losses.append(loss.item())
        if progress and step % 50 == 0:
            bar.set_postfix(loss=f"{sum(losses[-50:]) / len(losses[-50:]):.3f}")
    model.roberta.save_pretrained(out)
    info = {"steps": steps, "batch_size": batch_size, "learning_rate": learning_rate, "max_length": max_length,
            "lines": len(lines), "tokens": sum(len(e) for e in encoded), "seed": seed,
            "final_loss": sum(losses[-100:]) / max(1, len(losses[-100:])),
            "initial_loss": sum(losses[:20]) / max(1, len(losses[:20])), "sources": sources or [],
            "package_text": package_text,
            "hidden_size": hidden_size, "layers": num_layers, "vocab_size": len(tokenizer),
            "perplexity_final": math.exp(min(20, sum(losses[-100:]) / max(1, len(losses[-100:])))),
            "seconds": round(time.perf_counter() - begun, 3)}
    (out / "pretrained.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    logger.info("pretrained encoder in %s: %s", out, info)
    return out
