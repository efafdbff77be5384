"""Text -> Document: the extractor that applications use (`vntransfer.load().predict(text)`).

A saved model directory is self-contained: `config.json` (encoder), `model.safetensors` (all
weights), the tokenizer files and `vntransfer.json` (labels, segmenter and versions).
"""
from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

import torch

from . import __version__
from .decoding.repairs import check_repairs
from .decoding.spans import Span
from .annotation.document import Document, Entity, Relation, Trigger
from .events import assemble_events
from .model.network import TransferExtractorModel
from .schema import ENTITY_TYPES, RELATION_LABELS, TAGS, TRIGGER_TAGS
from .model.tensors import WordEncoder
from .stages import SpanDecoder, link_relations, score_windows, trigger_spans
from .text.words import segment_words, segmenter_info

logger = logging.getLogger(__name__)

WEIGHTS = "model.safetensors"
SETTINGS = "vntransfer.json"
#: weight names of a VntransferModel (model_type "vntransfer") start with this; older folders have none
HF_PREFIX = "extractor."
#: the ExtractorSettings fields saved with a model
SETTING_NAMES = ("max_length", "stride", "segment", "relation_threshold", "repairs", "trigger_lexicon_fallback",
                 "spelling")
#: the training output when running from a checkout (train.py writes it)
DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "models" / "default"
#: the copy that a built wheel carries (setup.py copies models/default here at build time)
PACKAGED_MODEL = Path(__file__).resolve().parent / "model_data" / "default"


def default_model_dir() -> Path:
    """The model `load()` reads when given no path, in this order: `$VNTRANSFER_MODEL`; the checkout's
    `models/default` when running from a checkout (a `pyproject.toml` beside it); the packaged copy of an
    installed wheel. With none of them there, the checkout path (so the error names what to train)."""
    env = os.environ.get("VNTRANSFER_MODEL")
    if env:
        return Path(env)
    checkout = DEFAULT_MODEL.parents[1]
    if (checkout / "pyproject.toml").is_file() and DEFAULT_MODEL.is_dir():
        return DEFAULT_MODEL
    if PACKAGED_MODEL.is_dir():
        return PACKAGED_MODEL
    return DEFAULT_MODEL


class ModelLoadError(RuntimeError):
    """A model directory that cannot be loaded; the message names the missing or bad file."""


@dataclass
class ExtractorSettings:
    max_length: int = 256
    stride: int = 32
    segment: bool = True
    relation_threshold: float = 0.5
    #: boundary repairs SPEC.md states, applied after decoding in the registry's order (decoding/repairs.py; each is
    #: measured in the README)
    repairs: tuple[str, ...] = ("punctuation", "admin_words", "split_names")
    #: a move for which the trigger head found no trigger takes a trigger word of the lexicon in its sentence
    trigger_lexicon_fallback: bool = True
    #: how words are spelled for the encoder (text/normalize.py, `respell`); models saved without it read the text as written
    spelling: str = "as_written"
    extra: dict = field(default_factory=dict)


class Extractor:
    def __init__(self, model: TransferExtractorModel, tokenizer, settings: Optional[ExtractorSettings] = None):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.settings = settings or ExtractorSettings()
        self.encoder = WordEncoder(tokenizer, self.settings.max_length, self.settings.stride, self.settings.spelling)

    # -- prediction ----------------------------------------------------------------------------
    def predict(self, text: str, id: str = "0") -> Document:
        return self.predict_many([text], ids=[id])[0]

    @torch.inference_mode()
    def predict_many(self, texts: Iterable[str], batch_size: int = 16, ids: Optional[list[str]] = None,
                     pause: Optional[Callable[[], None]] = None) -> list[Document]:
        """Documents of `texts`. Sentences are batched across texts (`batch_size` sentences a batch, those of
        similar length together), so many short texts fill the encoder's batches as well as one long one;
        each document is the same as `predict` gives for its text alone, up to the last bits of the scores
        (floating-point sums depend on what else is in a batch). `pause`, if given, is called before every
        batch of sentences: a server uses it to let other requests use the model between batches of a long
        one, or to give up (by raising) past a deadline."""
        texts = list(texts)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TypeError(f"text #{i} must be str, got {type(t).__name__}")
        ids = ids or [str(i) for i in range(len(texts))]
        for ident, t in zip(ids, texts):
            if looks_undiacritised(t):
                logger.warning("text %s has no Vietnamese diacritics: the model was trained on text written with "
                               "them, so its output here should not be trusted", ident)
        out: list[Document] = []
        group: list[tuple[str, str, list]] = []  # text, id, sentences
        size = 0
        for text, ident in zip(texts, ids):
            sentences = segment_words(text, segment=self.settings.segment) if text.strip() else []
            group.append((text, ident, sentences))
            size += len(sentences)
            if size >= batch_size * GROUP_BATCHES:
                out.extend(self._predict_group(group, batch_size, pause))
                group, size = [], 0
        if group:
            out.extend(self._predict_group(group, batch_size, pause))
        return out

    def _predict_group(self, group: list[tuple[str, str, list]], batch_size: int,
                       pause: Optional[Callable[[], None]] = None) -> list[Document]:
        """Documents (text, id, sentences) predicted together: their sentences are batched across
        documents, sentences of similar length in one batch (less padding for the encoder), a batch
        holding whole sentences so that the overlapping windows of a sentence are decoded together."""
        texts = [text for text, _, _ in group]
        items = [[_SentenceItem(d, s, self.encoder.windows(s, si)) for si, s in enumerate(sentences)]
                 for d, (_, _, sentences) in enumerate(group)]
        ordered = sorted((x for doc_items in items for x in doc_items), key=lambda x: max(len(w.input_ids) for w in x.windows))
        for lo in range(0, len(ordered), batch_size):
            if pause is not None:
                pause()
            self._predict_batch(ordered[lo:lo + batch_size], texts)
        docs = []
        for (text, ident, sentences), doc_items in zip(group, items):
            if not text.strip():
                docs.append(Document(ident, text))
                continue
            entities: list[Entity] = []  # in sentence order; ids are given by _document
            relations: list[tuple[int, int, str, float]] = []  # head idx, tail idx (into entities), label, score
            triggers: Optional[list[tuple[Trigger, str]]] = [] if self.model.trigger_head is not None else None
            for item in doc_items:
                base = len(entities)
                entities.extend(item.entities)
                relations.extend((base + h, base + t, lab, sc) for h, t, lab, sc in item.relations)
                if triggers is not None:
                    triggers.extend(item.triggers)
            docs.append(self._document(ident, text, entities, relations, sentences, triggers))
        return docs

    def _predict_batch(self, batch: list["_SentenceItem"], texts: list[str]) -> None:
        """The stages (stages.py) over a batch of sentences: scores, spans and triggers, relations, written
        into the items (entity and trigger offsets into the document's text)."""
        scores = score_windows(self.model, self.tokenizer.pad_token_id, [(item.sentence, item.windows) for item in batch])
        decoder = SpanDecoder(self.settings.repairs)
        spans = [decoder(s) for s in scores.sentences]
        links = link_relations(self.model, scores, spans, self.settings.relation_threshold)
        for item, sentence_scores, sentence_spans, sentence_links in zip(batch, scores.sentences, spans, links):
            sentence, text = item.sentence, texts[item.document]
            for t in trigger_spans(sentence_scores):
                start, end = sentence.syllables[t.first].start, sentence.syllables[t.last].end
                item.triggers.append((Trigger(start, end, text[start:end]), t.type))
            item.entities = [_entity(text, sentence, s) for s in sentence_spans]
            item.relations = [(link.head, link.tail, link.label, link.score) for link in sentence_links]

    def _document(self, ident, text, entities: list[Entity], relations, sentences, triggers=None) -> Document:
        """The document of a text from its entities (ids not yet given, in sentence order) and relations
        (head index, tail index into `entities`, label, score): ids in reading order, then the events."""
        order = sorted(range(len(entities)), key=lambda i: (entities[i].start, -entities[i].end))
        new_id = {old: f"T{n}" for n, old in enumerate(order, start=1)}
        ents = tuple(replace(entities[i], id=new_id[i]) for i in order)
        rels = tuple(Relation(f"R{n}", lab, new_id[h], new_id[t], sc)
                     for n, (h, t, lab, sc) in enumerate(sorted(relations, key=lambda r: (entities[r[0]].start, entities[r[1]].start)), 1))
        doc = Document(ident, text, ents, rels)
        move_scores: dict[str, float] = {}
        for r in rels:
            if r.type in ("APPOINTED_TO", "TRANSFERRED_TO"):
                move_scores[r.head] = max(move_scores.get(r.head, 0.0), r.score or 0.0)
        events = assemble_events(doc, [(s.start, s.end) for s in sentences], move_scores, triggers,
                                 lexicon_fallback=self.settings.trigger_lexicon_fallback)
        return Document(ident, text, ents, rels, events)

    # -- Hugging Face -------------------------------------------------------------------------
    def hf_config(self):
        """This extractor's `VntransferConfig` (what `save` writes as config.json)."""
        from .model.configuration_vntransfer import VntransferConfig

        m = self.model
        return VntransferConfig(
            encoder=m.encoder.config, entity_types=list(ENTITY_TYPES), tags=list(TAGS), trigger_labels=list(TRIGGER_TAGS),
            relation_labels=list(RELATION_LABELS), **m.options, dropout=m.dropout.p,
            type_dim=m.type_embedding.embedding_dim, distance_dim=m.distance_embedding.embedding_dim,
            segmenter=segmenter_info() if self.settings.segment else {"name": "none"}, package_version=__version__,
            extractor_settings=json.loads(json.dumps({k: getattr(self.settings, k) for k in SETTING_NAMES})), architectures=["VntransferModel"])

    def hf_model(self):
        """The network as a `VntransferModel` (shares this extractor's weights): `save_pretrained`, `push_to_hub`..."""
        from .model.modeling_vntransfer import VntransferModel

        return VntransferModel.from_extractor(self.model, self.hf_config())

    @classmethod
    def from_hf_model(cls, model, tokenizer) -> "Extractor":
        """An extractor around a `VntransferModel` (e.g. from `AutoModel.from_pretrained`) and its tokenizer."""
        return cls(model.extractor, tokenizer, _settings_from(dict(model.config.extractor_settings)))

    # -- persistence ---------------------------------------------------------------------------
    def save(self, directory: Union[str, Path], extra: Optional[dict] = None) -> Path:
        """Write the model into `directory` atomically: everything goes into a temporary sibling folder that
        is then renamed into place, so a failure at any point leaves the previous model there whole. An
        existing model directory is replaced as a whole (files of its own that the new save does not write
        are dropped, with a warning); a non-empty directory that holds no model is never replaced."""
        import logging
        import shutil
        import tempfile
        import uuid

        from safetensors.torch import save_file

        directory = Path(directory)
        if directory.is_symlink():  # replace what the link points to, keep the link
            directory = directory.resolve()
        if directory.exists():
            if not directory.is_dir():
                raise NotADirectoryError(f"{directory}: exists and is not a directory")
            if any(directory.iterdir()) and not (directory / SETTINGS).is_file():
                raise FileExistsError(f"{directory}: not empty and holds no {SETTINGS}; refusing to replace it "
                                      "with a model (choose another directory)")
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.saving-", dir=directory.parent))
        try:
            # config.json is a VntransferConfig (the encoder's config nested) and the weights carry the
            # `extractor.` prefix of VntransferModel: AutoModel.from_pretrained reads this folder too
            self.hf_config().save_pretrained(tmp)
            written = self.tokenizer.save_pretrained(tmp)
            tokenizer_files = sorted({Path(f).name for f in written if (tmp / Path(f).name).is_file()})
            state = {HF_PREFIX + k: v.detach().cpu().contiguous() for k, v in self.model.state_dict().items()}
            save_file(state, str(tmp / WEIGHTS), metadata={"format": "pt"})
            reserved = ("weights_sha256", "tokenizer_files")
            settings = {
                "package_version": __version__,
                "entity_types": list(ENTITY_TYPES),
                "tags": list(TAGS),
                "relation_labels": list(RELATION_LABELS),
                "segmenter": segmenter_info() if self.settings.segment else {"name": "none"},
                "max_length": self.settings.max_length,
                "stride": self.settings.stride,
                "segment": self.settings.segment,
                "relation_threshold": self.settings.relation_threshold,
                "repairs": list(self.settings.repairs),
            "trigger_lexicon_fallback": self.settings.trigger_lexicon_fallback,
                "spelling": self.settings.spelling,
                "model": dict(self.model.options),
                **{k: v for k, v in self.settings.extra.items() if k not in reserved},
                **{k: v for k, v in (extra or {}).items() if k not in reserved},
                "tokenizer_files": tokenizer_files,
                "weights_sha256": file_sha256(tmp / WEIGHTS),
            }
            (tmp / SETTINGS).write_text(json.dumps(settings, ensure_ascii=False, indent=1), encoding="utf-8")
            from .model.card import write_model_card

            write_model_card(tmp)
            os.chmod(tmp, 0o755)  # mkdtemp makes it private
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        backup = None
        if directory.exists():
            dropped = sorted(p.name for p in directory.iterdir() if not (tmp / p.name).exists())
            if dropped:
                logging.getLogger(__name__).warning("%s: replacing the model drops %s", directory, ", ".join(dropped))
            backup = directory.with_name(f".{directory.name}.old-{uuid.uuid4().hex[:8]}")
            os.rename(directory, backup)
        try:
            os.rename(tmp, directory)
        except BaseException:
            if backup is not None:
                os.rename(backup, directory)
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
        return directory


#: documents are predicted together until they hold this many batches of sentences (bounds the memory they take)
GROUP_BATCHES = 16


@dataclass
class _SentenceItem:
    """One sentence of one document on its way through a batch, and what was found in it (entity
    offsets into the document's text; relations as indices into this sentence's entities)."""

    document: int
    sentence: object
    windows: list
    entities: list = field(default_factory=list)
    relations: list = field(default_factory=list)
    triggers: list = field(default_factory=list)


def _entity(text: str, sentence, span: Span) -> Entity:
    """The entity of a decoded span: character offsets into `text` (its id is given by `Extractor._document`)."""
    start, end = sentence.syllables[span.first].start, sentence.syllables[span.last].end
    return Entity("", span.type, start, end, text[start:end], span.score)


_ASCII = re.compile(r"[\x00-\x7f]+")


def looks_undiacritised(text: str) -> bool:
    """Vietnamese typed without its diacritics ("Ong Nguyen Van An giu chuc Bi thu"): 30 or more letters,
    under 1% of them outside ASCII (written Vietnamese has a diacritic on most syllables)."""
    letters = sum(map(str.isalpha, text))
    if letters < 30:
        return False
    return sum(map(str.isalpha, _ASCII.sub("", text))) < 0.01 * letters


def file_sha256(path: Union[str, Path]) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load(path: Union[str, Path, None] = None) -> Extractor:
    """Load a saved extractor; by default `default_model_dir()`: `$VNTRANSFER_MODEL`, the checkout's
    `models/default`, else the copy installed with the package. Reads both layouts: config.json of
    model_type "vntransfer" with `extractor.` weight names (written by `Extractor.save` and
    `VntransferModel.save_pretrained`; vntransfer.json optional then), and the older one (config.json of
    the encoder, vntransfer.json required). Weights are read from safetensors only."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    directory = Path(path) if path else default_model_dir()
    if not directory.is_dir():
        raise ModelLoadError(f"{directory}: no such model directory (train one with `python train.py`)")
    for name in ("config.json", WEIGHTS):
        if not (directory / name).is_file():
            raise ModelLoadError(f"{directory / name}: missing from the model directory")
    config_data = _read_json(directory / "config.json")
    hf_layout = config_data.get("model_type") == "vntransfer"
    hf_config = None
    if hf_layout:
        from .model.configuration_vntransfer import VntransferConfig

        try:
            hf_config = VntransferConfig.from_pretrained(directory)
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise ModelLoadError(f"{directory / 'config.json'}: not a readable vntransfer config ({exc})") from None
        if (hf_config.entity_types != list(ENTITY_TYPES) or hf_config.relation_labels != list(RELATION_LABELS)
                or (hf_config.trigger_head and hf_config.trigger_labels != list(TRIGGER_TAGS))):
            raise ModelLoadError(f"{directory / 'config.json'}: label maps differ from this version's schema")
    if (directory / SETTINGS).is_file() or not hf_layout:
        if not (directory / SETTINGS).is_file():
            raise ModelLoadError(f"{directory / SETTINGS}: missing from the model directory")
        settings = _read_json(directory / SETTINGS)
    else:  # saved by VntransferModel.save_pretrained (and the tokenizer's): the config says it all
        settings = {"entity_types": hf_config.entity_types, "relation_labels": hf_config.relation_labels,
                    "segmenter": hf_config.segmenter, "package_version": hf_config.package_version,
                    "model": hf_config.model_options, **hf_config.extractor_settings}
    # tokenizer files recorded at save time; older models: at least the tokenizer's own config
    tokenizer_files = settings.pop("tokenizer_files", None) or ["tokenizer_config.json"]
    for name in tokenizer_files:
        if not (directory / name).is_file():
            raise ModelLoadError(f"{directory / name}: missing from the model directory (a tokenizer file)")
    expected_digest = settings.pop("weights_sha256", None)
    if expected_digest is not None:
        actual = file_sha256(directory / WEIGHTS)
        if actual != expected_digest:
            raise ModelLoadError(f"{directory / WEIGHTS}: SHA-256 {actual} differs from the weights_sha256 "
                                 f"{expected_digest} recorded in {SETTINGS} (file changed or corrupt)")
    if settings.get("entity_types") != list(ENTITY_TYPES) or settings.get("relation_labels") != list(RELATION_LABELS):
        raise ModelLoadError(f"{directory / SETTINGS}: label maps differ from this version's schema")
    try:
        encoder_config = hf_config.encoder if hf_layout else AutoConfig.from_pretrained(directory)
        tokenizer = AutoTokenizer.from_pretrained(directory, use_fast=False)
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"{directory}: cannot load config or tokenizer: {exc}") from None
    options = settings.pop("model", {})  # models saved before these options had neither
    shape = {} if hf_config is None else {"dropout": hf_config.dropout, "type_dim": hf_config.type_dim,
                                          "distance_dim": hf_config.distance_dim}
    model = TransferExtractorModel(AutoModel.from_config(encoder_config), gazetteer=bool(options.get("gazetteer")),
                                   context_layer=bool(options.get("context_layer")),
                                   trigger_head=bool(options.get("trigger_head")), crf=bool(options.get("crf")),
                                   **shape)
    try:
        state = load_file(str(directory / WEIGHTS))
    except (SafetensorError, OSError) as exc:
        raise ModelLoadError(f"{directory / WEIGHTS}: unreadable safetensors file ({exc})") from None
    if hf_layout:
        state = {k[len(HF_PREFIX):] if k.startswith(HF_PREFIX) else k: v for k, v in state.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ModelLoadError(f"{directory / WEIGHTS}: weights do not match the model "
                             f"(missing {missing[:3]}, unexpected {unexpected[:3]})")
    return Extractor(model, tokenizer, _settings_from(settings))


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ModelLoadError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ModelLoadError(f"{path}: not a JSON object")
    return data


def _settings_from(settings: dict) -> ExtractorSettings:
    """ExtractorSettings from saved settings: the known fields, the rest (training record...) as `extra`."""
    settings = dict(settings)
    if "repairs" in settings:
        settings["repairs"] = check_repairs(settings["repairs"], drop_removed=True)
    return ExtractorSettings(**{k: settings[k] for k in SETTING_NAMES if k in settings},
                             extra={k: v for k, v in settings.items() if k not in SETTING_NAMES})


def predict_each(extractor, texts: list[str], ids: list[str], batch_size: int = 16) -> list:
    """`extractor.predict_many`, but a text the model fails on costs only itself: on an error the texts are
    predicted one by one, and each failing one gives its exception in its place (batch jobs that go on)."""
    try:
        return extractor.predict_many(texts, batch_size=batch_size, ids=ids) if texts else []
    except Exception:
        out: list = []
        for text, ident in zip(texts, ids):
            try:
                out.append(extractor.predict_many([text], batch_size=batch_size, ids=[ident])[0])
            except Exception as exc:
                out.append(exc)
        return out
