"""Text -> Document: the extractor that applications use (`vntransfer.load().predict(text)`).

A saved model directory is self-contained: `config.json` (encoder), `model.safetensors` (all
weights), the tokenizer files and `vntransfer.json` (labels, segmenter and versions).
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

import torch

from . import __version__
from .batching import Example, candidate_pairs, collate, pair_features
from .decoding import (attach_admin_words, decode_entities, drop_initial_pieces, join_split_spans, mend_word_splits,
                       snap_to_words, trim_punctuation, whole_member_titles)
from .document import Document, Entity, Relation, Trigger
from .events import assemble_events
from .model import RELATION_LABELS, TAGS, TransferExtractorModel
from .schema import ENTITY_TYPES, TRIGGER_TAGS
from .tensors import WordEncoder
from .words import segment_words, segmenter_info

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
    #: boundary repairs applied after tagging, in this order (decoding.py; each is measured in the README)
    repairs: tuple[str, ...] = ("punctuation", "word_splits", "word_edges", "initial_words", "member_titles", "admin_words",
                                "split_names")
    #: a move for which the trigger head found no trigger takes a trigger word of the lexicon in its sentence
    trigger_lexicon_fallback: bool = True
    #: how words are spelled for the encoder (spelling.py); models saved without it read the text as written
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
        """`pause`, if given, is called before every batch of sentences: a server uses it to let other
        requests use the model between batches of a long one, or to give up (by raising) past a deadline."""
        texts = list(texts)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TypeError(f"text #{i} must be str, got {type(t).__name__}")
        ids = ids or [str(i) for i in range(len(texts))]
        for ident, t in zip(ids, texts):
            if looks_undiacritised(t):
                logger.warning("text %s has no Vietnamese diacritics: the model was trained on text written with "
                               "them, so its output here should not be trusted", ident)
        return [self._predict_one(t, ident, batch_size, pause) for t, ident in zip(texts, ids)]

    def _predict_one(self, text: str, ident: str, batch_size: int, pause: Optional[Callable[[], None]] = None) -> Document:
        if not text.strip():
            return Document(ident, text)
        sentences = segment_words(text, segment=self.settings.segment)
        entities: list[tuple[int, int, str, float]] = []  # start, end, type, score
        relations: list[tuple[int, int, str, float]] = []  # head idx, tail idx (into entities)
        triggers: Optional[list[tuple[Trigger, str]]] = [] if self.model.trigger_head is not None else None
        # a batch holds whole sentences, so overlapping windows of a sentence are decoded together
        for lo in range(0, len(sentences), batch_size):
            if pause is not None:
                pause()
            chunk = list(enumerate(sentences[lo:lo + batch_size], start=lo))
            examples = [Example(w, s) for si, s in chunk for w in self.encoder.windows(s, si)]
            batch = collate(examples, self.tokenizer.pad_token_id, with_gold=False)
            states = self.model.syllable_states(batch["input_ids"], batch["attention_mask"], batch["syllable_token"],
                                                batch["syllable_kind"], batch["syllable_gazetteer"], batch["syllable_mask"])
            probs = self.model.entity_logits(states).softmax(-1)
            trigger_logits = self.model.trigger_logits(states)
            trigger_probs = None if trigger_logits is None else trigger_logits.softmax(-1)
            for si, sentence in chunk:
                rows = [k for k, x in enumerate(examples) if x.window.sentence == si]
                averaged = _merge_windows(probs, examples, rows, len(sentence.syllables))
                if trigger_probs is not None:
                    tags = _merge_windows(trigger_probs, examples, rows, len(sentence.syllables)).argmax(-1).tolist()
                    for first, last, cls in decode_triggers(tags, sentence.words, sentence.syllables):
                        start, end = sentence.syllables[first].start, sentence.syllables[last].end
                        triggers.append((Trigger(start, end, text[start:end]), cls))
                spans = decode_entities(averaged)
                repairs = self.settings.repairs
                if "punctuation" in repairs:
                    spans = trim_punctuation(spans, sentence.syllables)
                if "word_splits" in repairs:
                    spans = mend_word_splits(spans, averaged, sentence.words)
                if "word_edges" in repairs:
                    spans = snap_to_words(spans, sentence.words, len(sentence.syllables), sentence.syllables)
                if "initial_words" in repairs:
                    spans = drop_initial_pieces(spans, sentence.words, sentence.syllables)
                if "member_titles" in repairs:
                    spans = whole_member_titles(spans, sentence.syllables)
                if "admin_words" in repairs:
                    spans = attach_admin_words(spans, sentence.syllables)
                if "split_names" in repairs:
                    spans = join_split_spans(spans, sentence.syllables)
                spans = resolve_overlaps(spans)
                base = len(entities)
                for first, last, t, score in spans:
                    entities.append((sentence.syllables[first].start, sentence.syllables[last].end, ENTITY_TYPES[t], score))
                relations.extend(self._relations(states, examples, rows, spans, base))
        return self._document(ident, text, entities, relations, sentences, triggers)

    def _relations(self, states, examples, rows, spans, base):
        done, out = set(), []
        for k in rows:
            w = examples[k].window
            inside = [(i, (f - w.first, l - w.first, t)) for i, (f, l, t, _) in enumerate(spans) if f >= w.first and l <= w.last]
            local = [e for _, e in inside]
            pairs = [(a, b) for a, b in candidate_pairs(local) if (inside[a][0], inside[b][0]) not in done]
            if not pairs:
                continue
            feats = torch.tensor([pair_features(k, local[a], local[b]) for a, b in pairs], dtype=torch.long)
            p = self.model.relation_logits(states, feats).softmax(-1)
            score, label = p.max(-1)
            for (a, b), lab, sc in zip(pairs, label.tolist(), score.tolist()):
                done.add((inside[a][0], inside[b][0]))
                if lab != 0 and sc >= self.settings.relation_threshold:
                    out.append((base + inside[a][0], base + inside[b][0], RELATION_LABELS[lab], sc))
        return out

    def _document(self, ident, text, entities, relations, sentences, triggers=None) -> Document:
        order = sorted(range(len(entities)), key=lambda i: (entities[i][0], -entities[i][1]))
        new_id = {old: f"T{n}" for n, old in enumerate(order, start=1)}
        ents = tuple(Entity(new_id[i], entities[i][2], entities[i][0], entities[i][1],
                            text[entities[i][0]:entities[i][1]], entities[i][3]) for i in order)
        rels = tuple(Relation(f"R{n}", lab, new_id[h], new_id[t], sc)
                     for n, (h, t, lab, sc) in enumerate(sorted(relations, key=lambda r: (entities[r[0]][0], entities[r[1]][0])), 1))
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
        from .configuration_vntransfer import VntransferConfig

        m = self.model
        return VntransferConfig(
            encoder=m.encoder.config, entity_types=list(ENTITY_TYPES), tags=list(TAGS), trigger_labels=list(TRIGGER_TAGS),
            relation_labels=list(RELATION_LABELS), **m.options, dropout=m.dropout.p,
            type_dim=m.type_embedding.embedding_dim, distance_dim=m.distance_embedding.embedding_dim,
            segmenter=segmenter_info() if self.settings.segment else {"name": "none"}, package_version=__version__,
            extractor_settings=json.loads(json.dumps({k: getattr(self.settings, k) for k in SETTING_NAMES})), architectures=["VntransferModel"])

    def hf_model(self):
        """The network as a `VntransferModel` (shares this extractor's weights): `save_pretrained`, `push_to_hub`..."""
        from .modeling_vntransfer import VntransferModel

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
            state = {HF_PREFIX + k: v.contiguous() for k, v in self.model.state_dict().items()}
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
            from .card import write_model_card

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


def _merge_windows(probs: torch.Tensor, examples: list[Example], rows: list[int], n_syllables: int) -> torch.Tensor:
    """Per-syllable probabilities of one sentence, averaged over the windows (`rows`) that cover it."""
    merged = probs.new_zeros((n_syllables, *probs.shape[2:]))
    count = probs.new_zeros((n_syllables,) + (1,) * (probs.dim() - 2))
    for k in rows:
        w = examples[k].window
        merged[w.first:w.last + 1] += probs[k, :w.last - w.first + 1]
        count[w.first:w.last + 1] += 1
    return merged / count.clamp(min=1)


def looks_undiacritised(text: str) -> bool:
    """Vietnamese typed without its diacritics ("Ong Nguyen Van An giu chuc Bi thu"): 30 or more letters,
    under 1% of them outside ASCII (written Vietnamese has a diacritic on most syllables)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 30 and sum(ord(c) > 127 for c in letters) < 0.01 * len(letters)


def resolve_overlaps(spans: list[tuple[int, int, int, float]]) -> list[tuple[int, int, int, float]]:
    """Spans that SPEC.md allows together: a LOCALITY may sit inside a BODY; nothing else overlaps, and a
    span has one type. A BODY that a LOCALITY runs past ([Đảng ủy xã] + [xã Đinh Thanh]) grows over it
    (the place ends the body's name); of any other conflicting spans the surer one stays."""
    body, place = ENTITY_TYPES.index("BODY"), ENTITY_TYPES.index("LOCALITY")
    grown = []
    for f, l, t, sc in spans:
        if t == body:
            for f2, l2, t2, _ in spans:
                if t2 == place and f < f2 <= l < l2:
                    l = l2
        grown.append((f, l, t, sc))
    kept: list[tuple[int, int, int, float]] = []
    for span in sorted(grown, key=lambda x: -x[3]):
        if all(span[1] < other[0] or other[1] < span[0] or _nested(span, other, body, place) for other in kept):
            kept.append(span)
    return [s for s in grown if s in kept]


def _nested(a, b, body: int, place: int) -> bool:
    """Two overlapping spans that SPEC.md allows: a LOCALITY within a BODY, on fewer syllables."""
    if (a[0], a[1]) == (b[0], b[1]):
        return False
    inner, outer = (a, b) if a[2] == place else (b, a)
    return inner[2] == place and outer[2] == body and outer[0] <= inner[0] and inner[1] <= outer[1]


def decode_triggers(tags: list[int], words=None, syllables=None) -> list[tuple[int, int, str]]:
    """Trigger-head tags (indices into TRIGGER_TAGS) -> (first, last, event class) syllable spans. An I-
    tag continues a span of its class, else it opens one (the argmax may miss a B-). With the sentence's
    segmented `words`, a span grows to the whole words it touches over lowercase syllables: a trigger is a
    verb, and the head may tag only the first syllable of "luân_chuyển" or "trúng_cử" (but the segmenter's
    "bầu_PGS" gives no "bầu PGS")."""
    spans: list[list] = []
    for k, tag in enumerate(tags):
        label = TRIGGER_TAGS[tag]
        if label == "O":
            continue
        prefix, cls = label.split("-", 1)
        if prefix == "I" and spans and spans[-1][1] == k - 1 and spans[-1][2] == cls:
            spans[-1][1] = k
        else:
            spans.append([k, k, cls])
    if words:
        def verbal(i: int) -> bool:
            return syllables is None or (syllables[i].text.isalpha() and syllables[i].text.islower())

        for span in spans:
            for w in words:
                if w.first <= span[0] <= w.last:
                    while span[0] > w.first and verbal(span[0] - 1):
                        span[0] -= 1
                if w.first <= span[1] <= w.last:
                    while span[1] < w.last and verbal(span[1] + 1):
                        span[1] += 1
        merged: list[list] = []
        for span in spans:  # pieces of one word joined
            if merged and span[0] <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], span[1])
            else:
                merged.append(span)
        spans = merged
    return [tuple(s) for s in spans]


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
        from .configuration_vntransfer import VntransferConfig

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
                                   trigger_head=bool(options.get("trigger_head")), **shape)
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
        settings["repairs"] = tuple(settings["repairs"])
    return ExtractorSettings(**{k: settings[k] for k in SETTING_NAMES if k in settings},
                             extra={k: v for k, v in settings.items() if k not in SETTING_NAMES})
