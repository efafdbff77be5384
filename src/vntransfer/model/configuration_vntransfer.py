"""`VntransferConfig`: the Hugging Face configuration of a saved extractor (`config.json`, model_type
"vntransfer").

It nests the encoder's own configuration (`encoder`), names the outputs of every head (`id2label` /
`label2id` for the entity head, one O/B/I layer per entity type flattened as "B-PERSON"...,
`trigger_labels`, `relation_labels`), the model options, the word segmenter the model was trained
behind and the versions. Registered with `AutoConfig` when `import vntransfer` meets transformers
(see `vntransfer.model.hf_registry`).
"""
from __future__ import annotations

from typing import Optional

from transformers.configuration_utils import PretrainedConfig

from ..schema import ENTITY_TYPES, RELATION_LABELS, TAGS, TRIGGER_TAGS


def entity_labels(entity_types=ENTITY_TYPES, tags=TAGS) -> list[str]:
    """The entity head's outputs in order: for each type, each tag ("O-PERSON", "B-PERSON", "I-PERSON", ...)."""
    return [f"{tag}-{t}" for t in entity_types for tag in tags]


class VntransferConfig(PretrainedConfig):
    model_type = "vntransfer"

    def __init__(self, encoder=None, entity_types=None, tags=None, trigger_labels=None, relation_labels=None,
                 gazetteer: bool = False, context_layer: bool = False, trigger_head: bool = False, crf: bool = False,
                 dropout: float = 0.1, type_dim: int = 16, distance_dim: int = 16,
                 segmenter: Optional[dict] = None, package_version: Optional[str] = None,
                 extractor_settings: Optional[dict] = None, **kwargs):
        if isinstance(encoder, dict):
            from transformers.models.auto.configuration_auto import AutoConfig

            encoder = dict(encoder)
            encoder = AutoConfig.for_model(encoder.pop("model_type"), **encoder)
        self.encoder = encoder
        self.entity_types = list(entity_types or ENTITY_TYPES)
        self.tags = list(tags or TAGS)
        self.trigger_labels = list(trigger_labels or TRIGGER_TAGS)
        self.relation_labels = list(relation_labels or RELATION_LABELS)
        self.gazetteer, self.context_layer, self.trigger_head = bool(gazetteer), bool(context_layer), bool(trigger_head)
        self.crf = bool(crf)
        self.dropout, self.type_dim, self.distance_dim = dropout, type_dim, distance_dim
        self.segmenter = segmenter or {"name": "none"}
        self.package_version = package_version
        #: max_length, stride, segment, relation_threshold, repairs, trigger_lexicon_fallback (pipeline.ExtractorSettings)
        self.extractor_settings = dict(extractor_settings or {})
        labels = entity_labels(self.entity_types, self.tags)
        kwargs.setdefault("id2label", dict(enumerate(labels)))
        kwargs.setdefault("label2id", {label: i for i, label in enumerate(labels)})
        super().__init__(**kwargs)

    @property
    def model_options(self) -> dict:
        return {"gazetteer": self.gazetteer, "context_layer": self.context_layer, "trigger_head": self.trigger_head, "crf": self.crf}
