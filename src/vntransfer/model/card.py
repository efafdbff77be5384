"""The model card (README.md with a Hugging Face metadata block) of a saved model, from its vntransfer.json.

`Extractor.save` writes it; `vntransfer card DIR` rewrites it (e.g. after training refreshed the history).
Standard library only: setup.py also runs it on the copy packaged into the wheel.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Union

CARD = "README.md"
LICENSE = "apache-2.0"


def machine_phrase(machine: dict) -> str:
    """' with 1 torch thread on a 2-CPU machine' (older records: ' on 2 CPUs')."""
    threads = machine.get("torch_threads")
    if threads is None:
        return f" on {machine.get('cpus', '?')} CPUs"
    return f" with {threads} torch thread{'s' if threads != 1 else ''} on a {machine.get('cpus', '?')}-CPU machine"


def _f(x) -> str:
    return f"{x:.3f}" if isinstance(x, (int, float)) else "–"


def kept_epoch(history: list[dict]) -> dict:
    """The epoch whose weights were saved (as training.kept_epoch): best dev score, else the last."""
    return max(history, key=lambda r: r.get("dev_score", r.get("dev_entity_f1", r["epoch"])))


def model_card(settings: dict, hf_layout: bool = True) -> str:
    """Markdown of the card; every figure comes from `settings` (the model's vntransfer.json). `hf_layout`:
    config.json is a VntransferConfig (False for folders saved before it: config.json of the encoder)."""
    training = settings.get("training") or {}
    history = training.get("history") or []
    args = training.get("arguments") or {}
    options = settings.get("model") or {}
    segmenter = settings.get("segmenter") or {}
    entity_types = settings.get("entity_types") or []
    relations = [r for r in settings.get("relation_labels") or [] if r != "NONE"]
    lines = [
        "---",
        "language:",
        "- vi",
        f"license: {LICENSE}",
        "library_name: vntransfer",
        "pipeline_tag: token-classification",
        "tags:",
        *(f"- {t}" for t in ("vntransfer", "token-classification", "named-entity-recognition", "relation-extraction",
                             "event-extraction", "vietnamese", "news")),
        "---",
        "",
        "# vntransfer extractor",
        "",
        "Extracts transfers of officials (điều động, luân chuyển, bổ nhiệm cán bộ) from Vietnamese news: "
        f"entities ({', '.join(entity_types)}), relations ({', '.join(relations)}) and transfer events, "
        "as specified in the vntransfer package's `docs/SPEC.md`. Output is SPEC.md JSON with character "
        "offsets into the text as given.",
        "",
        "## Intended use",
        "",
        "News and official announcements in Vietnamese, written with diacritics, about appointments, "
        "transfers, rotations and elections of officials: building registries of who holds which post, "
        "tracking moves, pre-filling annotation. Not for judging people, and not for text of other "
        "domains or languages.",
        "",
        "## Model",
        "",
        f"A transformer encoder ({_encoder_sentence(args, training)}) with, per syllable, one O/B/I tag layer "
        "per entity type (a LOCALITY may sit inside a BODY)"
        + (", decoded by a linear-chain CRF per layer" if options.get("crf") else "")
        + (", a trigger head over the event classes" if options.get("trigger_head") else "")
        + (", gazetteer hints" if options.get("gazetteer") else "")
        + (" and a BiLSTM over the syllables" if options.get("context_layer") else "")
        + "; a relation head scores each pair of entities whose types a relation admits. Input is word-segmented by "
        f"`{segmenter.get('name', 'none')}` {segmenter.get('version', '')}".rstrip()
        + f"; package version {settings.get('package_version', '?')}.",
        "",
        "## Training data",
        "",
    ]
    if training:
        lines += [
            f"- seed documents (real news, gold annotated): {len(training.get('train_documents', []))} "
            f"(`{', '.join(args.get('train', []))}`), each seen {args.get('real_repeat', 1)}× per epoch",
            f"- written and generated documents: {training.get('extra_documents', 0)} "
            f"(`{', '.join(args.get('extra_train', [])) or '–'}`), training side only",
            f"- development documents: {len(training.get('dev_documents', []))} (`{', '.join(args.get('dev', [])) or '–'}`), "
            "used to choose the epoch, never trained on",
            f"- {len(history)} epochs, batch {args.get('batch_size', '?')}, learning rate {args.get('learning_rate', '?')}, "
            f"seed {args.get('seed', '?')}; {training.get('train_seconds', 0) / 60:.1f} minutes"
            f"{machine_phrase(training.get('machine') or {})}",
        ]
    else:
        lines.append("No training record was saved with this model.")
    lines += ["", "## Evaluation", ""]
    if history and any("dev_entity_f1" in r for r in history):
        best = kept_epoch(history)
        lines += [
            f"Scores on the development documents after each epoch (strict micro-F1 of SPEC.md; the weights "
            f"are those of epoch {best['epoch']}, marked **bold**). They select the epoch, so they are "
            "slightly optimistic.",
            "",
            "| epoch | loss | entity F1 | relation F1 | event-argument F1 | mean |",
            "|---|---|---|---|---|---|",
        ]
        for r in history:
            cells = [str(r["epoch"]), f"{r.get('loss', float('nan')):.4f}", _f(r.get("dev_entity_f1")),
                     _f(r.get("dev_relation_f1")), _f(r.get("dev_event_f1")), _f(r.get("dev_score"))]
            if r is best:
                cells = [f"**{c}**" for c in cells]
            lines.append("| " + " | ".join(cells) + " |")
    else:
        lines.append("No development scores were recorded with this model.")
    lines += [
        "",
        "## Limitations",
        "",
        "- Trained on few real articles plus written and generated ones: forms of announcement it has not "
        "seen (and verbatim real news in general) score lower than the table above.",
        "- Text typed without diacritics is outside its training; predictions there should not be trusted.",
        "- Administrative units follow the registries it was built with (before and after the 2025 merger); "
        "names and posts are extracted as written, never checked against the world.",
        "- Events need the relation head's moves and a trigger; a move stated only implicitly may be missed.",
        "",
        "## How to load it",
        "",
        "```python",
        "import vntransfer",
        "extractor = vntransfer.load(\"path/to/this/folder\")   # no argument: the model installed with the package",
        "doc = extractor.predict(\"Ông Nguyễn Văn An giữ chức Bí thư Tỉnh ủy Lào Cai.\")",
        "doc.to_dict()  # entities, relations, events (SPEC.md JSON)",
        "```",
        "",
    ]
    if hf_layout:
        lines += [
            "The network alone, through transformers (after `import vntransfer`, which registers model_type "
            "\"vntransfer\"; weights are read from safetensors only):",
            "",
            "```python",
            "import vntransfer",
            "from transformers import AutoModel",
            "model = AutoModel.from_pretrained(\"path/to/this/folder\")   # VntransferModel; model.extractor is the network",
            "```",
        ]
    else:
        lines.append("This folder has the layout of models saved before the Hugging Face classes "
                     "(config.json is the encoder's): `vntransfer.load()` reads it; `vntransfer.load(dir).save(new_dir)` "
                     "rewrites it so that `AutoModel.from_pretrained(new_dir)` reads it too (after `import vntransfer`).")
    lines.append("")
    return "\n".join(lines)


def _encoder_sentence(args: dict, training: dict) -> str:
    encoder = args.get("encoder")
    if not encoder:
        return "see config.json"
    if encoder == "default":
        pre = "pretrained by masked LM, then " if training.get("encoder_pretrained") else ""
        return (f"the package's PhoBERT-style encoder, {args.get('encoder_layers', '?')} layers of "
                f"{args.get('encoder_hidden_size', '?')}, {pre}trained with the heads")
    return f"`{encoder}`, fine-tuned with the heads"


def is_hf_layout(directory: Union[str, Path]) -> bool:
    """config.json is a VntransferConfig (model_type "vntransfer")."""
    try:
        return json.loads((Path(directory) / "config.json").read_text(encoding="utf-8")).get("model_type") == "vntransfer"
    except (OSError, ValueError, AttributeError):
        return False


def write_model_card(directory: Union[str, Path]) -> Path:
    directory = Path(directory)
    settings = json.loads((directory / "vntransfer.json").read_text(encoding="utf-8"))
    path = directory / CARD
    path.write_text(model_card(settings, hf_layout=is_hf_layout(directory)), encoding="utf-8")
    return path
