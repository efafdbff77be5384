"""Masked-LM pretraining of the default encoder: the loss on masked positions only is RoBERTa's own loss (value
and gradients), and a short run leaves an encoder that loads and records what it was trained on."""
from __future__ import annotations

import json

import pytest
import torch
from transformers import AutoModel, AutoTokenizer, DataCollatorForLanguageModeling, RobertaForMaskedLM

from vntransfer.model.encoder_builder import build_default_encoder
from vntransfer.training.pretraining import masked_lm_loss, pretrain

LINES = ["Ông Nguyễn_Văn_A được bổ_nhiệm giữ chức Phó Chủ_tịch UBND tỉnh Nghệ_An .",
         "Hội_đồng nhân_dân tỉnh bầu bà Trần_Thị_B làm Chủ_tịch .",
         "Bộ Công_an điều_động Thiếu_tướng Lê_Văn_C giữ chức Giám_đốc Công_an tỉnh .",
         "Thủ_tướng phê_chuẩn kết_quả bầu Phó Chủ_tịch UBND thành_phố ."] * 5


def test_masked_lm_loss_is_robertas_loss_with_the_same_gradients(tmp_path):
    out = build_default_encoder([], tmp_path / "enc", vocab_size=300, hidden_size=32, num_layers=1, num_heads=2,
                                intermediate_size=64, lines=LINES)
    tokenizer = AutoTokenizer.from_pretrained(out, use_fast=False)
    model = RobertaForMaskedLM.from_pretrained(out)
    model.eval()  # no dropout: both losses see the same network
    torch.manual_seed(0)
    batch = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.3)(
        [{"input_ids": tokenizer(line)["input_ids"]} for line in LINES[:4]])
    assert (batch["labels"] != -100).sum() > 0
    reference = model(**batch).loss
    reference.backward()
    expected = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
    model.zero_grad()
    ours = masked_lm_loss(model, batch)
    ours.backward()
    assert ours.item() == pytest.approx(reference.item(), rel=1e-5)
    for name, grad in expected.items():
        assert torch.allclose(dict(model.named_parameters())[name].grad, grad, atol=1e-6), name


def test_pretrain_writes_an_encoder_that_loads_and_its_record(tmp_path):
    out = pretrain(tmp_path / "enc", LINES, steps=6, batch_size=4, hidden_size=32, num_layers=1, num_heads=2,
                   vocab_size=300, progress=False, sources=["lines"])
    info = json.loads((out / "pretrained.json").read_text(encoding="utf-8"))
    assert info["steps"] == 6 and info["lines"] == len(LINES) and info["sources"] == ["lines"]
    assert info["final_loss"] > 0 and info["initial_loss"] > 0
    encoder = AutoModel.from_pretrained(out)
    tokenizer = AutoTokenizer.from_pretrained(out, use_fast=False)
    state = encoder(**tokenizer(LINES[0], return_tensors="pt")).last_hidden_state
    assert state.shape[-1] == 32 and torch.isfinite(state).all()
