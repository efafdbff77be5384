"""The Hugging Face side: VntransferConfig / VntransferModel, AutoModel registration, both folder layouts,
the model card (fast: untrained tiny models)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import vntransfer
from vntransfer.pipeline import HF_PREFIX, ModelLoadError, load

from ..conftest import make_untrained_extractor

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ["Ông Nguyễn Văn An giữ chức Bí thư Tỉnh ủy Lào Cai.",
         "Ban Thường vụ Tỉnh ủy điều động ông Trần Văn Bình, Phó Giám đốc Sở Y tế, giữ chức Giám đốc Sở Nội vụ."]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """An untrained extractor with every head (trigger included) and a few non-zero weights of its own."""
    tmp = tmp_path_factory.mktemp("hf")
    ex = make_untrained_extractor(tmp / "enc", texts=TEXTS)
    from vntransfer.model.network import TransferExtractorModel

    torch.manual_seed(1)
    model = TransferExtractorModel(ex.model.encoder, gazetteer=True, context_layer=True, trigger_head=True)
    with torch.no_grad():  # large enough that an untrained model still predicts entities and relations
        model.entity_head.bias.view(4, 3)[:, 1] += 2.0
        model.relation_head[-1].bias[2] += 3.0
    ex = type(ex)(model, ex.tokenizer, ex.settings)
    return ex, ex.save(tmp / "model")


def _same(a, b):
    return [d.to_dict() for d in a] == [d.to_dict() for d in b]


def test_save_writes_the_vntransfer_config_and_prefixed_weights(tiny):
    _, directory = tiny
    config = json.loads((directory / "config.json").read_text())
    assert config["model_type"] == "vntransfer" and config["architectures"] == ["VntransferModel"]
    assert config["encoder"]["model_type"] == "roberta" and config["trigger_head"] is True
    assert config["id2label"]["1"] == "B-PERSON" and config["label2id"]["I-LOCALITY"] == 11
    assert config["relation_labels"][0] == "NONE" and "B-DIEU_DONG" in config["trigger_labels"]
    assert config["segmenter"] == {"name": "none"} and config["package_version"] == vntransfer.__version__
    from safetensors import safe_open

    with safe_open(str(directory / "model.safetensors"), "pt") as f:
        assert all(k.startswith(HF_PREFIX) for k in f.keys())


def test_auto_model_reads_a_saved_extractor_and_predicts_the_same(tiny):
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    from vntransfer.model.configuration_vntransfer import VntransferConfig
    from vntransfer.model.network import TransferExtractorModel, allowed_label_mask
    from vntransfer.model.modeling_vntransfer import VntransferModel
    from vntransfer.pipeline import Extractor

    ex, directory = tiny
    assert isinstance(AutoConfig.from_pretrained(directory), VntransferConfig)
    model = AutoModel.from_pretrained(directory)
    assert isinstance(model, VntransferModel) and isinstance(model.extractor, TransferExtractorModel)
    assert torch.equal(model.extractor.label_mask, allowed_label_mask())  # a rule rebuilt, not read
    for k, v in ex.model.state_dict().items():
        assert torch.equal(v, model.extractor.state_dict()[k]), k
    again = Extractor.from_hf_model(model, AutoTokenizer.from_pretrained(directory, use_fast=False))
    expected = ex.predict_many(TEXTS)
    assert any(d.entities for d in expected) and any(d.relations for d in expected)
    assert _same(again.predict_many(TEXTS), expected)


def test_save_pretrained_round_trips_exactly(tiny, tmp_path):

    from vntransfer.model.modeling_vntransfer import VntransferModel

    ex, _ = tiny
    hf = ex.hf_model()
    hf.save_pretrained(tmp_path / "hf")
    assert not list((tmp_path / "hf").glob("*.bin")) and (tmp_path / "hf" / "model.safetensors").is_file()
    back = VntransferModel.from_pretrained(tmp_path / "hf")
    def config(m):
        return {k: v for k, v in m.config.to_dict().items() if k != "_name_or_path"}

    assert config(back) == config(hf)
    state, loaded = hf.state_dict(), back.state_dict()
    assert state.keys() == loaded.keys() and all(torch.equal(state[k], loaded[k]) for k in state)
    batch = _batch(ex)
    hf.eval(), back.eval()
    with torch.no_grad():
        a, b = hf(**batch), back(**batch)
    assert torch.equal(a.entity_logits, b.entity_logits) and torch.equal(a.trigger_logits, b.trigger_logits)
    assert torch.equal(a.relation_logits, b.relation_logits)
    # the folder of save_pretrained plus the tokenizer is a model that load() reads (no vntransfer.json)
    ex.tokenizer.save_pretrained(tmp_path / "hf")
    assert _same(load(tmp_path / "hf").predict_many(TEXTS), ex.predict_many(TEXTS))


def _batch(ex):
    from vntransfer.model.batching import Example, collate
    from vntransfer.text.words import segment_words

    sentences = segment_words(TEXTS[1], segment=False)
    examples = [Example(w, s) for si, s in enumerate(sentences) for w in ex.encoder.windows(s, si)]
    batch = collate(examples, ex.tokenizer.pad_token_id, with_gold=False)
    keys = ("input_ids", "attention_mask", "syllable_token", "syllable_kind", "syllable_gazetteer", "syllable_mask")
    pairs = torch.tensor([[0, 0, 1, 2, 3, 0, 1, 1], [0, 2, 3, 0, 1, 2, 1, 1]], dtype=torch.long)
    return {**{k: batch[k] for k in keys}, "pairs": pairs}


def test_loading_never_unpickles(tiny, tmp_path):
    from vntransfer.model.modeling_vntransfer import VntransferModel

    ex, directory = tiny
    pickled = shutil.copytree(directory, tmp_path / "pickled")
    (pickled / "model.safetensors").unlink()
    torch.save(ex.hf_model().state_dict(), pickled / "pytorch_model.bin")
    with pytest.raises(OSError):
        VntransferModel.from_pretrained(pickled)
    with pytest.raises(ModelLoadError, match="model.safetensors: missing"):
        load(pickled)


def test_old_layout_still_loads(tiny, tmp_path):
    """A folder as saved before the Hugging Face classes: config.json of the encoder, weights unprefixed."""
    from safetensors.torch import load_file, save_file

    from vntransfer.pipeline import file_sha256

    ex, directory = tiny
    old = shutil.copytree(directory, tmp_path / "old")
    ex.model.encoder.config.save_pretrained(old)
    state = {k[len(HF_PREFIX):]: v for k, v in load_file(str(old / "model.safetensors")).items()}
    save_file(state, str(old / "model.safetensors"), metadata={"format": "pt"})
    settings = json.loads((old / "vntransfer.json").read_text())
    settings["weights_sha256"] = file_sha256(old / "model.safetensors")
    (old / "vntransfer.json").write_text(json.dumps(settings))
    assert json.loads((old / "config.json").read_text())["model_type"] == "roberta"
    assert _same(load(old).predict_many(TEXTS), ex.predict_many(TEXTS))
    resaved = load(old).save(tmp_path / "new")  # re-saving converts it
    assert json.loads((resaved / "config.json").read_text())["model_type"] == "vntransfer"


def test_shipped_model_loads():
    shipped = ROOT / "models" / "default"
    if not (shipped / "vntransfer.json").is_file():
        pytest.skip("no shipped model")
    doc = load(shipped).predict(TEXTS[0])
    assert any(e.type == "PERSON" and e.text == "Nguyễn Văn An" for e in doc.entities)


def test_model_card_is_written_with_its_metadata_block(tiny):
    _, directory = tiny
    card = (directory / "README.md").read_text(encoding="utf-8")
    head = card.split("---\n")[1]
    assert card.startswith("---\n")
    for line in ("- vi", "license: apache-2.0", "pipeline_tag: token-classification", "- vntransfer"):
        assert line in head.splitlines()
    for section in ("## Intended use", "## Training data", "## Evaluation", "## Limitations", "## How to load it"):
        assert section in card
    assert "AutoModel.from_pretrained" in card


def test_model_card_tables_come_from_the_training_history(tiny, tmp_path):
    from vntransfer.model.card import model_card

    ex, _ = tiny
    history = [{"epoch": 1, "loss": 0.5, "dev_entity_f1": 0.8, "dev_relation_f1": 0.7, "dev_event_f1": 0.6, "dev_score": 0.7},
               {"epoch": 2, "loss": 0.2, "dev_entity_f1": 0.9, "dev_relation_f1": 0.8, "dev_event_f1": 0.75, "dev_score": 0.8167}]
    training = {"arguments": {"train": ["annotations"], "dev": ["dev.jsonl"], "extra_train": [], "batch_size": 4},
                "train_documents": ["a", "b"], "dev_documents": ["d"], "extra_documents": 0, "history": history,
                "train_seconds": 60, "machine": {"cpus": 2}}
    out = ex.save(tmp_path / "m", extra={"training": training})
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "| 1 | 0.5000 | 0.800 | 0.700 | 0.600 | 0.700 |" in card
    assert "| **2** | **0.2000** | **0.900** | **0.800** | **0.750** | **0.817** |" in card
    assert "weights are those of epoch 2" in card
    settings = json.loads((out / "vntransfer.json").read_text())
    assert "config.json is the encoder's" not in model_card(settings)
    assert "config.json is the encoder's" in model_card(settings, hf_layout=False)
    assert "AutoModel.from_pretrained(\"path" not in model_card(settings, hf_layout=False)


def test_import_stays_light_and_registers_when_transformers_loads(tiny):
    _, directory = tiny
    code = ("import sys, vntransfer; assert 'torch' not in sys.modules; "
            "from transformers import AutoModel; "
            f"m = AutoModel.from_pretrained({str(directory)!r}); print(type(m).__name__, type(m.extractor).__name__)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["VntransferModel", "TransferExtractorModel"]


def test_cli_card_rewrites_a_card(tiny, tmp_path, capsys):
    from vntransfer.cli import main

    _, directory = tiny
    model = shutil.copytree(directory, tmp_path / "m")
    (model / "README.md").unlink()
    assert main(["card", str(model)]) == 0
    assert (model / "README.md").read_text(encoding="utf-8").startswith("---\nlanguage:")
    assert main(["card", str(tmp_path)]) == 2
