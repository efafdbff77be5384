from __future__ import annotations

from pathlib import Path

import pytest

from vntransfer.annotation.corpus import load_documents
from vntransfer.annotation.document import Document

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = ROOT / "annotations"


@pytest.fixture(autouse=True, scope="session")
def _segmentation_cache(tmp_path_factory):
    """Training in tests caches its segmentations (segmenting.py) in a folder of the test session, not the user's."""
    import os

    from vntransfer.text.segmenting import CACHE_ENV

    os.environ.setdefault(CACHE_ENV, str(tmp_path_factory.mktemp("segment-cache")))


def make_doc(text: str, entities: list[tuple], relations: list[tuple] = (), events: list[dict] = (), id: str = "t") -> dict:
    """A SPEC.md dict from (type, surface, occurrence) entities; offsets are computed, ids T1.."""
    ents = []
    for n, (type_, surface, *occ) in enumerate(entities, start=1):
        start = -1
        for _ in range((occ[0] if occ else 0) + 1):
            start = text.index(surface, start + 1)
        ents.append({"id": f"T{n}", "type": type_, "start": start, "end": start + len(surface), "text": surface})
    rels = [{"id": f"R{n}", "type": t, "head": h, "tail": tl} for n, (t, h, tl) in enumerate(relations, start=1)]
    return {"id": id, "text": text, "entities": ents, "relations": rels, "events": list(events)}


# a real form outside the seeds and dev40: the post stated far before the people who share it (inline markup)
APPROVAL_MARKUP = """[POSITION#t0 Thủ tướng] [TRIG#g1 phê chuẩn] kết quả bầu chức vụ [POSITION#t1 Phó Chủ tịch] [BODY#b1 UBND [LOCALITY#l1 tỉnh Hà Tĩnh]] nhiệm kỳ 2021 - 2026 đối với ông [PERSON#p1 Lê Văn Bình], [POSITION#t2 Giám đốc] [BODY#b2 Sở Tài chính], và ông [PERSON#p2 Trần Công Cường].
---
b1 LOCATED_IN l1
t1 OF b1
t2 OF b2
p1 HOLDS t2
p1 APPOINTED_TO t1
p2 APPOINTED_TO t1
g1 OTHER p1 p2
"""


TRANSFER_TEXT = ("Ban Thường vụ Tỉnh ủy quyết định điều động, bổ nhiệm ông Nguyễn Văn A, Phó Giám đốc Sở Y tế, "
                 "giữ chức Giám đốc Sở Nội vụ tỉnh Lào Cai và cử về xã Bản Lầu.")


@pytest.fixture
def transfer_dict() -> dict:
    """A hand-written transfer with every relation type and a full event."""
    d = make_doc(
        TRANSFER_TEXT,
        [("BODY", "Ban Thường vụ Tỉnh ủy"), ("PERSON", "Nguyễn Văn A"), ("POSITION", "Phó Giám đốc"),
         ("BODY", "Sở Y tế"), ("POSITION", "Giám đốc", 1), ("BODY", "Sở Nội vụ tỉnh Lào Cai"),
         ("LOCALITY", "tỉnh Lào Cai"), ("LOCALITY", "xã Bản Lầu")],
        [("HOLDS", "T2", "T3"), ("OF", "T3", "T4"), ("APPOINTED_TO", "T2", "T5"), ("OF", "T5", "T6"),
         ("LOCATED_IN", "T6", "T7"), ("TRANSFERRED_TO", "T2", "T8")],
    )
    start = TRANSFER_TEXT.index("điều động")
    d["events"] = [{"id": "E1", "type": "DIEU_DONG", "trigger": {"start": start, "end": start + 9, "text": "điều động"},
                    "person": "T2", "from": [{"position": "T3", "body": "T4"}], "to": [{"position": "T5", "body": "T6"}],
                    "destination": ["T8"]}]
    return d


@pytest.fixture
def transfer_doc(transfer_dict) -> Document:
    return Document.from_dict(transfer_dict)


@pytest.fixture(scope="session")
def gold_documents() -> list[Document]:
    docs = load_documents(sorted(ANNOTATIONS.glob("*.json")))
    assert len(docs) == 5
    return docs


def make_phobert_style_encoder(directory: Path, texts: list[str], hidden: int = 32, layers: int = 1) -> Path:
    """A tiny RoBERTa and a PhoBERT-style tokenizer (fairseq vocab.txt + bpe.codes, `@@` pieces),
    made here so that tests take the code path of `vinai/phobert-base-v2` without downloading it."""
    import torch
    from transformers import AutoModel, PhobertTokenizer, RobertaConfig

    directory.mkdir(parents=True, exist_ok=True)
    chars = sorted({c for t in texts for c in t if not c.isspace()} | set("_"))
    (directory / "vocab.txt").write_text("".join(f"{c} 1\n{c}@@ 1\n" for c in chars) + "<mask> 1\n", encoding="utf-8")
    (directory / "bpe.codes").write_text("N g</w> 1\n", encoding="utf-8")
    tokenizer = PhobertTokenizer(str(directory / "vocab.txt"), str(directory / "bpe.codes"))
    tokenizer.save_pretrained(directory)
    config = RobertaConfig(vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=2,
                           intermediate_size=2 * hidden, max_position_embeddings=258, type_vocab_size=1,
                           pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                           eos_token_id=tokenizer.eos_token_id)
    torch.manual_seed(0)
    AutoModel.from_config(config).save_pretrained(directory)
    return directory


OVERFIT_SENTENCES = [
    ("Ban Thường vụ Tỉnh ủy điều động ông Nguyễn Văn An, Phó Giám đốc Sở Y tế, giữ chức Giám đốc Sở Nội vụ tỉnh Lào Cai.",
     [("BODY", "Ban Thường vụ Tỉnh ủy"), ("PERSON", "Nguyễn Văn An"), ("POSITION", "Phó Giám đốc"), ("BODY", "Sở Y tế"),
      ("POSITION", "Giám đốc", 1), ("BODY", "Sở Nội vụ tỉnh Lào Cai"), ("LOCALITY", "tỉnh Lào Cai")],
     [("HOLDS", "T2", "T3"), ("OF", "T3", "T4"), ("APPOINTED_TO", "T2", "T5"), ("OF", "T5", "T6"), ("LOCATED_IN", "T6", "T7")]),
    ("Đồng chí Trần Thị Bình, Bí thư Huyện ủy Sa Pa, được luân chuyển về Ban Tổ chức Tỉnh ủy.",
     [("PERSON", "Trần Thị Bình"), ("POSITION", "Bí thư"), ("BODY", "Huyện ủy Sa Pa"), ("LOCALITY", "Sa Pa"),
      ("BODY", "Ban Tổ chức Tỉnh ủy")],
     [("HOLDS", "T1", "T2"), ("OF", "T2", "T3"), ("LOCATED_IN", "T3", "T4"), ("TRANSFERRED_TO", "T1", "T5")]),
]


def overfit_documents() -> list[Document]:
    from vntransfer.events import assemble_events

    docs = []
    for n, (text, ents, rels) in enumerate(OVERFIT_SENTENCES):
        d = Document.from_dict(make_doc(text, ents, rels, id=f"s{n}"))
        docs.append(Document(d.id, d.text, d.entities, d.relations, assemble_events(d, [(0, len(text))])))
    return docs


def make_untrained_extractor(directory: Path, texts: list[str] = ("Ông Nguyễn Văn An",), segment: bool = False):
    """An untrained extractor on a tiny PhoBERT-style encoder: cheap to build and to save (no training)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from vntransfer.model.network import TransferExtractorModel
    from vntransfer.pipeline import Extractor, ExtractorSettings

    encoder_dir = make_phobert_style_encoder(directory, list(texts))
    torch.manual_seed(0)
    model = TransferExtractorModel(AutoModel.from_pretrained(encoder_dir), gazetteer=True, context_layer=True)
    return Extractor(model, AutoTokenizer.from_pretrained(encoder_dir, use_fast=False), ExtractorSettings(segment=segment))


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A saved (untrained) model directory, for load/save and command-line tests."""
    tmp = tmp_path_factory.mktemp("tiny-model")
    return make_untrained_extractor(tmp / "encoder").save(tmp / "model")
