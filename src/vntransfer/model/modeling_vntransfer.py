"""`VntransferModel`: the extractor's network as a Hugging Face `PreTrainedModel`.

It wraps `model.TransferExtractorModel` (encoder + entity, trigger and relation heads) as `.extractor`,
so `save_pretrained` / `from_pretrained` / `AutoModel.from_pretrained(dir)` (after `import vntransfer`)
work on it; weights are read from safetensors only. Text in, documents out stays `vntransfer.load()`:
the model needs the syllable tensors that `pipeline.Extractor` builds (segmentation, windows, the
gazetteer), so a saved directory also holds the tokenizer and `vntransfer.json`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import torch
from transformers.modeling_outputs import ModelOutput
from transformers.modeling_utils import PreTrainedModel
from transformers.models.auto.modeling_auto import AutoModel

from .configuration_vntransfer import VntransferConfig
from .network import TransferExtractorModel, allowed_label_mask


@dataclass
class VntransferOutput(ModelOutput):
    """entity_logits: (batch, syllables, entity types, tags); trigger_logits: (batch, syllables, trigger
    labels) or None; relation_logits: (pairs, relation labels) for the `pairs` given, or None."""

    entity_logits: Optional[torch.Tensor] = None
    trigger_logits: Optional[torch.Tensor] = None
    relation_logits: Optional[torch.Tensor] = None
    syllable_states: Optional[torch.Tensor] = None


class VntransferModel(PreTrainedModel):
    config_class = VntransferConfig
    base_model_prefix = "extractor"
    main_input_name = "input_ids"

    def __init__(self, config: VntransferConfig, extractor: Optional[TransferExtractorModel] = None):
        super().__init__(config)
        self.extractor = extractor if extractor is not None else TransferExtractorModel(
            AutoModel.from_config(config.encoder), dropout=config.dropout, type_dim=config.type_dim,
            distance_dim=config.distance_dim, **config.model_options)
        self.post_init()

    @classmethod
    def from_extractor(cls, extractor: TransferExtractorModel, config: VntransferConfig) -> "VntransferModel":
        """Wrap a built (trained) network; its weights are shared, not copied or re-initialised."""
        return cls(config, extractor=extractor)

    @classmethod
    def from_pretrained(cls, *args, **kwargs):
        kwargs.setdefault("use_safetensors", True)  # never unpickle weights
        model = super().from_pretrained(*args, **kwargs)
        model.extractor.label_mask = allowed_label_mask().to(model.extractor.label_mask.device)  # a rule, not a weight
        return model

    def init_weights(self):
        # weights of a fresh model come from the modules' own initialisers (as TransferExtractorModel built
        # outside transformers); those of a wrapped or loaded network are never touched
        pass

    def _init_weights(self, module):
        if isinstance(module, TransferExtractorModel):
            module.label_mask = allowed_label_mask().to(module.label_mask.device)

    def forward(self, input_ids, attention_mask, syllable_token, syllable_kind, syllable_gazetteer=None,
                syllable_mask=None, pairs: Optional[torch.Tensor] = None, **_) -> VntransferOutput:
        m = self.extractor
        states = m.syllable_states(input_ids, attention_mask, syllable_token, syllable_kind, syllable_gazetteer,
                                   syllable_mask)
        return VntransferOutput(entity_logits=m.entity_logits(states), trigger_logits=m.trigger_logits(states),
                                relation_logits=None if pairs is None else m.relation_logits(states, pairs),
                                syllable_states=states)
