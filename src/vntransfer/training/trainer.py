"""Training: gold documents -> a saved extractor, with per-epoch held-out evaluation and
checkpoints that resume after a crash.

Data-parallel on several processes with the ecosystem's launchers (`accelerate launch train.py ...` or
`torchrun --nproc_per_node N train.py ...`; gloo on CPUs, NCCL on GPUs, the same code): every process
builds the same model from the same seed and walks the same shuffled order; each global batch of
`batch_size` windows is split across the processes, gradients are averaged by Hugging Face
`accelerate` (DistributedDataParallel), so the steps and the learning-rate schedule are those of one
process. Only the main process evaluates, saves, checkpoints and prints."""
from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import random
import time
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

import torch
from torch.nn import functional as F

from ..model.batching import collate, document_examples
from ..annotation.corpus import load_documents
from ..annotation.document import Document
from ..evaluation.metrics import score_documents
from ..pipeline import Extractor, ExtractorSettings
from ..model.network import TransferExtractorModel
from ..model.card import machine_phrase
from ..text.segmenting import segmented_texts

logger = logging.getLogger(__name__)

DEFAULT_ENCODER = "default"


@dataclass
class TrainingArguments:
    """Arguments of `train.py` (command line, or one JSON file given as the only argument)."""

    train: list[str] = field(default_factory=lambda: ["annotations"],
                             metadata={"help": "SPEC.md JSON/JSONL files or folders to train on (folders: *.json at top level)"})
    extra_train: list[str] = field(default_factory=list, metadata={
        "help": "written or generated SPEC.md documents (files or folders, searched recursively) that only ever join "
                "the training side; cross-validation never tests on them"})
    real_repeat: int = field(default=1, metadata={"help": "times each document of `train` is seen per epoch (oversamples real text)"})
    dev: list[str] = field(default_factory=lambda: ["annotations/004_6493302f74c6b2c4.json"],
                           metadata={"help": "held-out documents evaluated after each epoch; the best epoch is kept. "
                                             "They are removed from the training set."})
    init_model: str = field(default="", metadata={
        "help": "a trained vntransfer model folder to continue from (its encoder, tokenizer, heads and options): e.g. "
                "a base model trained on the written and generated text, fine-tuned here on the real documents; "
                "its encoder is used (encoder is then ignored) and the head options must agree with it"})
    extra_sample: int = field(default=0, metadata={
        "help": "if > 0, train on a seeded sample of this many of the extra_train documents (with init_model: a "
                "reminder of the base's training text, so that continued training does not forget it)"})
    encoder: str = field(default=DEFAULT_ENCODER, metadata={
        "help": "Hugging Face id or local path of the encoder (e.g. vinai/phobert-base-v2), or 'default' to build "
                "the offline PhoBERT-style encoder from the training texts into encoder_dir"})
    encoder_dir: str = field(default="models/encoder", metadata={"help": "where the default encoder is built / read"})
    encoder_hidden_size: int = field(default=128, metadata={"help": "default encoder: hidden size"})
    encoder_layers: int = field(default=2, metadata={"help": "default encoder: transformer layers"})
    encoder_heads: int = field(default=4, metadata={"help": "default encoder: attention heads"})
    encoder_vocab_size: int = field(default=6000, metadata={"help": "default encoder: BPE vocabulary size (upper bound)"})
    output_dir: str = field(default="models/default", metadata={"help": "the best model is saved here"})
    checkpoint_dir: str = field(default="runs/checkpoint", metadata={"help": "last-epoch checkpoint for resuming"})
    resume: bool = field(default=True, metadata={"help": "resume from checkpoint_dir if it holds a checkpoint of this run"})
    epochs: int = field(default=30, metadata={"help": "training epochs"})
    batch_size: int = field(default=8, metadata={"help": "windows per batch"})
    learning_rate: float = field(default=1e-3, metadata={"help": "peak learning rate of heads (and of a default encoder)"})
    encoder_learning_rate: float = field(default=0.0, metadata={"help": "learning rate of a pretrained encoder; 0 = learning_rate"})
    warmup_ratio: float = field(default=0.1, metadata={"help": "linear warm-up share of the steps"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay"})
    max_length: int = field(default=256, metadata={"help": "encoder positions per window, special tokens included"})
    stride: int = field(default=32, metadata={"help": "sub-tokens of overlap between windows of a long sentence"})
    segment: bool = field(default=True, metadata={"help": "word-segment with underthesea (PhoBERT input)"})
    spelling: str = field(default="as_written", metadata={
        "help": "how words are spelled for the encoder: as_written, or tone_on_final_vowel ('hoà', 'Tỉnh_uỷ', as "
                "PhoBERT's vocabulary has them; docs/phobert.md); offsets are never affected"})
    seed: int = field(default=13, metadata={"help": "random seed (weights, shuffling, dropout)"})
    progress: bool = field(default=True, metadata={"help": "show progress bars"})
    gazetteer: bool = field(default=True, metadata={"help": "add gazetteer hints (registry places, titles, bodies, surnames) to each syllable"})
    group_by_length: bool = field(default=False, metadata={
        "help": "batch windows of similar length together (transformers' length-grouped order, its batches then "
                "shuffled): 1.05 padded positions per real one instead of 2.24, epochs about 1.5 times faster, but off "
                "by default: with the shipped recipe (configs/default.json) dev40 entity / relation / event-argument F1 "
                "was 0.976/0.940/0.886, 0.976/0.937/0.884, 0.978/0.944/0.890 for seeds 13-15 (transformers' order) and "
                "0.979/0.944/0.901, 0.974/0.937/0.861 for seeds 13-14 with the batches shuffled, against "
                "0.982/0.947/0.911 and 0.982/0.953/0.902 for shuffled windows (seeds 13-14)"})
    gazetteer_dropout: float = field(default=0.3, metadata={"help": "share of training windows whose gazetteer hints are hidden"})
    context_layer: bool = field(default=True, metadata={"help": "a BiLSTM over the syllable states before the heads"})
    crf: bool = field(default=False, metadata={
        "help": "entity head: a linear-chain CRF per type layer (trained on whole tag paths, Viterbi-decoded) instead "
                "of an independent softmax per syllable"})
    relation_perturbation: float = field(default=0.0, metadata={
        "help": "share of gold entity pairs the relation head also sees with one span's boundary moved by a syllable "
                "(the same label): it links the predicted spans it is applied to, not only gold ones"})
    trigger_head: bool = field(default=True, metadata={
        "help": "learn event trigger words and their class from the gold events (else: the trigger lexicon)"})

    def __post_init__(self):
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch_size must be >= 1")
        if not 0 <= self.warmup_ratio < 1:
            raise ValueError("warmup_ratio must be in [0, 1)")
        if self.extra_sample < 0:
            raise ValueError("extra_sample must be >= 0")
        if not 0 <= self.relation_perturbation <= 1:
            raise ValueError("relation_perturbation must be in [0, 1]")
        if self.max_length < 8:
            raise ValueError("max_length must be >= 8")
        from ..text.normalize import SPELLINGS

        if self.spelling not in SPELLINGS:
            raise ValueError(f"spelling must be one of {', '.join(SPELLINGS)}")


def top_level_files(paths: list[str]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.json")) + sorted(p.glob("*.jsonl")) if p.is_dir() else [p])
    return out


def build_encoder(args: TrainingArguments, texts: list[str]):
    """(encoder module, tokenizer, is_pretrained)."""
    from transformers import AutoModel, AutoTokenizer

    source = args.encoder
    pretrained = True
    if source == DEFAULT_ENCODER:
        from ..model.encoder_builder import build_default_encoder

        source = args.encoder_dir
        if not (Path(source) / "config.json").exists():
            logger.warning("%s holds no encoder: building a default encoder WITHOUT masked-LM pretraining (the shipped "
                           "model's encoder is pretrained first: `make encoder`, or `vntransfer pretrain ... --out %s`)",
                           source, source)
            build_default_encoder(texts, source, vocab_size=args.encoder_vocab_size, hidden_size=args.encoder_hidden_size,
                                  num_layers=args.encoder_layers, num_heads=args.encoder_heads,
                                  intermediate_size=3 * args.encoder_hidden_size, max_length=args.max_length, seed=args.seed)
        pretrained = (Path(source) / "pretrained.json").exists()  # written by masked-LM pretraining
    tokenizer = AutoTokenizer.from_pretrained(source, use_fast=False)
    from ..model.encoder_builder import expected_fresh_weights

    # ours, saved from a masked LM, has no pooler by design; reports on checkpoints from elsewhere are kept
    ours = (Path(source) / "pretrained.json").exists()
    with expected_fresh_weights() if ours else contextlib.nullcontext():
        return AutoModel.from_pretrained(source), tokenizer, pretrained


def continued_model(args: TrainingArguments):
    """(network, tokenizer, encoder_pretrained) of the model `args.init_model`, to continue training from; its
    head options must be those of `args` (TrainingSetupError naming those that differ)."""
    from ..pipeline import ModelLoadError, load

    try:
        base = load(args.init_model)
    except (ModelLoadError, OSError) as exc:
        raise TrainingSetupError(f"init_model: {exc}") from None
    options = base.model.options
    differ = [k for k, v in options.items() if bool(getattr(args, k)) != bool(v)]
    if differ:
        raise TrainingSetupError(f"init_model {args.init_model}: its {', '.join(f'{k}={options[k]}' for k in differ)} "
                                 "differ from these training arguments")
    training = base.settings.extra.get("training", {})
    return base.model.train(), base.tokenizer, bool(training.get("encoder_pretrained", True))


def epoch_order(lengths: list[int], batch_size: int, seed: int, group_by_length: bool = True) -> list[int]:
    """The examples' order for one epoch, read in consecutive slices of `batch_size`: shuffled by `seed`, and with
    `group_by_length` sorted by length within mega-batches (transformers' `get_length_grouped_indices`, what its
    Trainer does with `group_by_length=True`), so that a batch of short windows is not padded to a long one."""
    if not group_by_length:
        order = list(range(len(lengths)))
        random.Random(seed).shuffle(order)
        return order
    from transformers.trainer_pt_utils import get_length_grouped_indices

    grouped = get_length_grouped_indices(lengths, batch_size, generator=torch.Generator().manual_seed(seed))
    # transformers sorts each mega-batch longest first, so that every 50 steps run from the longest windows to the
    # shortest; the batches are shuffled as well (AllenNLP's bucket sampler does the same), which keeps the padding
    # saved and removes that saw-tooth from the order
    batches = [grouped[i:i + batch_size] for i in range(0, len(grouped), batch_size)]
    last = batches.pop() if batches and len(batches[-1]) < batch_size else []  # stays last: the slices stay batches
    random.Random(seed).shuffle(batches)
    return [i for batch in batches for i in batch] + last


def train(args: TrainingArguments, train_docs: Optional[list[Document]] = None,
          dev_docs: Optional[list[Document]] = None, save: bool = True,
          extra_docs: Optional[list[Document]] = None) -> tuple[Extractor, list[dict]]:
    """Train and return the best extractor (by the mean of dev entity, relation and event-argument F1, or
    the last epoch without dev) and the
    per-epoch history. Documents can be given directly (cross-validation) instead of paths."""
    begun = time.perf_counter()
    if save:  # before any work: a model that cannot be saved is found out now, not after the first epoch
        check_writable(Path(args.output_dir), "output_dir", model=True)
        check_writable(Path(args.checkpoint_dir), "checkpoint_dir")
    from accelerate import Accelerator, DistributedDataParallelKwargs

    # one process without a launcher; with `accelerate launch` / `torchrun`, one of several (gloo on CPU:
    # accelerate joins the processes on CPU only when told `cpu`). A batch without relation candidates
    # leaves the relation head without gradients: DDP must allow it.
    accelerator = Accelerator(cpu=not torch.cuda.is_available(),
                              kwargs_handlers=[DistributedDataParallelKwargs(find_unused_parameters=True)])
    main = accelerator.is_main_process
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    dev_docs = load_documents(top_level_files(args.dev)) if dev_docs is None and args.dev else (dev_docs or [])
    extra_docs = list(extra_docs or [])
    if train_docs is None:
        dev_ids = {d.id for d in dev_docs}
        train_docs = [d for d in load_documents(top_level_files(args.train)) if d.id not in dev_ids]
        missing = [p for p in args.extra_train if not Path(p).exists()]
        if missing:
            raise TrainingSetupError(f"extra_train {', '.join(missing)}: no such file or folder"
                                     + (" (the generated corpus is made by `make data`)" if any("generated" in m for m in missing) else ""))
        extra_docs += load_documents(args.extra_train) if args.extra_train else []
    if args.extra_sample and len(extra_docs) > args.extra_sample:
        extra_docs = random.Random(args.seed).sample(extra_docs, args.extra_sample)
    if not train_docs and not extra_docs:
        raise ValueError("no training documents")
    if args.init_model:
        model, tokenizer, pretrained = continued_model(args)
    else:
        encoder, tokenizer, pretrained = build_encoder(args, [d.text for d in train_docs + extra_docs])
        model = TransferExtractorModel(encoder, gazetteer=args.gazetteer, context_layer=args.context_layer,
                                       trigger_head=args.trigger_head, crf=args.crf)
    settings = ExtractorSettings(max_length=args.max_length, stride=args.stride, segment=args.segment, spelling=args.spelling)
    extractor = Extractor(model, tokenizer, settings)
    # segmented through datasets' on-disk cache (text/segmenting.py): runs and folds over the same texts segment them once
    segmented = segmented_texts([d.text for d in train_docs + extra_docs], args.segment)
    examples = [x for d, s in zip(train_docs, segmented)
                for x in document_examples(d, extractor.encoder, args.segment, s)] * args.real_repeat
    examples += [x for d, s in zip(extra_docs, segmented[len(train_docs):])
                 for x in document_examples(d, extractor.encoder, args.segment, s)]
    steps_per_epoch = math.ceil(len(examples) / args.batch_size)
    total = steps_per_epoch * args.epochs

    enc_lr = args.encoder_learning_rate or args.learning_rate
    groups = [{"params": [p for n, p in model.named_parameters() if n.startswith("encoder.")], "lr": enc_lr},
              {"params": [p for n, p in model.named_parameters() if not n.startswith("encoder.")], "lr": args.learning_rate}]
    # fused: one kernel for every tensor (1 ms a step against 8 for the per-tensor loop that is the CPU default)
    optimizer = torch.optim.AdamW(groups, weight_decay=args.weight_decay, fused=True)
    scheduler = warmup_linear_decay(optimizer, total, max(1, int(total * args.warmup_ratio)))
    rank, world = accelerator.process_index, accelerator.num_processes

    fingerprint = _fingerprint(args, train_docs + extra_docs)
    start_epoch, history, best = 0, [], -1.0
    best_state: Optional[dict] = None
    ckpt = Path(args.checkpoint_dir)
    if args.resume:
        resumed = _resume(ckpt, fingerprint, model, optimizer, scheduler)
        if resumed is not None:
            start_epoch, history, best = resumed

    # the loss goes through a module's forward so that DistributedDataParallel sees (and averages) it;
    # the scheduler stays outside `prepare`: it steps once per global step, as with one process
    loss_module, optimizer = accelerator.prepare(_LossModule(model), optimizer)
    setup_seconds = round(time.perf_counter() - begun, 3)  # encoder, segmentation and encoding of the data
    for epoch in range(start_epoch, args.epochs):
        started = time.perf_counter()
        loss_module.train()
        torch.manual_seed(args.seed + epoch)
        order = epoch_order([len(x.window.input_ids) for x in examples], args.batch_size, args.seed + epoch,
                            args.group_by_length)
        losses = []
        perturb_rng = random.Random(args.seed * 1000 + epoch)  # same pairs on a resumed epoch
        bar = _progress(range(steps_per_epoch), args.progress and main, f"epoch {epoch + 1}/{args.epochs}")
        for step in bar:
            window = order[step * args.batch_size:(step + 1) * args.batch_size]
            # this process's share of the global batch (a last batch smaller than the number of
            # processes gives some of them a window twice rather than none)
            share = window[rank::world] or [window[rank % len(window)]]
            batch = collate([examples[i] for i in share], tokenizer.pad_token_id, perturb=args.relation_perturbation,
                            rng=perturb_rng)
            batch = {k: v.to(accelerator.device) for k, v in batch.items()}
            if args.gazetteer_dropout > 0:  # so that context, not the lists alone, finds names
                hidden = torch.rand(batch["syllable_gazetteer"].size(0), device=accelerator.device) < args.gazetteer_dropout
                batch["syllable_gazetteer"][hidden] = 0
            loss = loss_module(batch)
            optimizer_step(loss, loss_module, optimizer, scheduler, accelerator)
            losses.append(loss.detach())
            if hasattr(bar, "set_postfix"):
                bar.set_postfix(loss=f"{torch.stack(losses).mean().item():.4f}")
        model.eval()
        # the epoch's loss: the mean over all processes' batches
        mean_loss = accelerator.reduce(torch.stack(losses).mean() if losses else torch.zeros((), device=accelerator.device),
                                       reduction="mean")
        record = {"epoch": epoch + 1, "loss": float(mean_loss)}
        if dev_docs and main:
            scores = score_documents(dev_docs, extractor.predict_many([d.text for d in dev_docs], ids=[d.id for d in dev_docs]))
            record.update(dev_entity_f1=scores["entities"]["micro"]["f1"], dev_relation_f1=scores["relations"]["strict"]["micro"]["f1"],
                          dev_event_f1=scores["events"]["arguments"]["f1"])
            # the kept epoch: best mean of entity, relation and event-argument F1 on the dev documents
            record["dev_score"] = (record["dev_entity_f1"] + record["dev_relation_f1"] + record["dev_event_f1"]) / 3
        record["seconds"] = round(time.perf_counter() - started, 3)
        history.append(record)
        if not main:  # the main process evaluates, saves and checkpoints; the others wait for it
            accelerator.wait_for_everyone()
            continue
        logger.info("epoch %s", record)
        metric = record.get("dev_score", record["epoch"])
        if save and metric > best:
            best = metric
            extractor.save(args.output_dir, extra={"training": _summary(args, train_docs, dev_docs, history, pretrained, extra_docs, setup_seconds)})
        elif not save and metric > best:  # kept in memory: the returned extractor is the best epoch's
            best = metric
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()} if dev_docs else None
        if save:
            _checkpoint(ckpt, model, optimizer, scheduler, epoch + 1, history, best, fingerprint)
        accelerator.wait_for_everyone()
    if save and not main:
        accelerator.wait_for_everyone()  # until the main process has written the model
        from ..pipeline import load

        saved = load(args.output_dir)  # with the main process's history (dev scores included)
        return saved, saved.settings.extra["training"]["history"]
    if save:
        # refresh the training summary (full history) beside the best weights
        settings_path = Path(args.output_dir) / "vntransfer.json"
        data = json.loads(settings_path.read_text(encoding="utf-8"))
        data["training"] = _summary(args, train_docs, dev_docs, history, pretrained, extra_docs, setup_seconds)
        tmp = settings_path.with_name(settings_path.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, settings_path)
        from ..model.card import write_model_card

        write_model_card(args.output_dir)  # the card's tables read the full history
        shutil.rmtree(ckpt, ignore_errors=True)
        shutil.rmtree(ckpt.with_name(ckpt.name + ".old"), ignore_errors=True)
        accelerator.wait_for_everyone()
        from ..pipeline import load

        return load(args.output_dir), history
    if best_state is not None:
        model.load_state_dict(best_state)
    return extractor, history


class _LossModule(torch.nn.Module):
    """The training loss as a module's forward, which DistributedDataParallel needs to average gradients."""

    def __init__(self, model: TransferExtractorModel):
        super().__init__()
        self.model = model

    def forward(self, batch: dict) -> torch.Tensor:
        return training_loss(self.model, batch)


def warmup_linear_decay(optimizer, total: int, warmup: int):
    """Linear warm-up to the peak learning rate, then linear decay to zero at `total` steps."""
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))


def optimizer_step(loss: torch.Tensor, model, optimizer, scheduler, accelerator=None) -> None:
    """One update; with an `accelerate.Accelerator`, gradients are averaged over its processes."""
    optimizer.zero_grad()
    if accelerator is None:
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    else:
        accelerator.backward(loss)
        accelerator.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()


def training_loss(model: TransferExtractorModel, batch: dict) -> torch.Tensor:
    states = model.syllable_states(batch["input_ids"], batch["attention_mask"], batch["syllable_token"],
                                   batch["syllable_kind"], batch.get("syllable_gazetteer"), batch["syllable_mask"])
    loss = model.entity_loss(states, batch["tags"], batch["syllable_mask"])
    triggers = model.trigger_logits(states)
    if triggers is not None and "trigger_tags" in batch:
        loss = loss + F.cross_entropy(triggers.reshape(-1, triggers.size(-1)), batch["trigger_tags"].reshape(-1),
                                      ignore_index=-100)
    if batch["pairs"].numel():
        rel = model.relation_logits(states, batch["pairs"])
        loss = loss + F.cross_entropy(rel, batch["relation_labels"])
    return loss


def _progress(it, enabled: bool, desc: str):
    if not enabled:
        return it
    from tqdm.auto import tqdm

    return tqdm(it, desc=desc, leave=False)


def _fingerprint(args: TrainingArguments, docs: list[Document]) -> str:
    import hashlib

    keep = {k: v for k, v in asdict(args).items() if k not in ("resume", "progress", "output_dir", "checkpoint_dir")}
    h = hashlib.sha256(json.dumps(keep, sort_keys=True).encode())
    if args.init_model:  # a checkpoint continues from one base: retrained, it is another run
        h.update(Path(args.init_model, "model.safetensors").read_bytes())
    for d in docs:
        h.update(json.dumps(d.to_dict(), sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


class TrainingSetupError(ValueError):
    """A problem found before training starts (an output folder that cannot be written)."""


def check_writable(path: Path, what: str, model: bool = False) -> None:
    """Raise TrainingSetupError unless `path` can be (re)placed by renaming a sibling folder into place, as
    `Extractor.save` and the checkpoints do; with `model`, an existing non-empty folder must hold a model."""
    import tempfile

    if path.exists() and not path.is_dir():
        raise TrainingSetupError(f"{what} {path}: exists and is not a folder")
    if model and path.is_dir() and any(path.iterdir()) and not (path / "vntransfer.json").is_file():
        raise TrainingSetupError(f"{what} {path}: not empty and holds no model (vntransfer.json); it would be replaced "
                                 "by the trained model, so choose another folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent):
            pass
    except OSError as exc:
        raise TrainingSetupError(f"{what} {path}: cannot write in {path.parent} ({exc.strerror or exc})") from None


def _resume(ckpt: Path, fingerprint: str, model, optimizer, scheduler):
    """(start epoch, history, best) from the checkpoint in `ckpt`, or None to start afresh. An unreadable
    checkpoint is not fatal: a warning names the file, and training starts afresh. Everything is read and
    checked before the model, optimizer or scheduler is touched."""
    backup = ckpt.with_name(ckpt.name + ".old")
    if not (ckpt / "state.pt").exists() and (backup / "state.pt").exists():
        ckpt = backup  # a crash between the two renames of _checkpoint
    if not (ckpt / "state.pt").exists():
        return None
    from safetensors.torch import load_file

    import copy

    fresh_optimizer, fresh_scheduler = copy.deepcopy(optimizer.state_dict()), copy.deepcopy(scheduler.state_dict())
    where = ckpt / "state.pt"
    try:
        state = torch.load(where, weights_only=True)
        if state.get("fingerprint") != fingerprint:
            logger.warning("checkpoint in %s belongs to another run; starting afresh", ckpt)
            return None
        epoch, history, best = int(state["epoch"]), json.loads(state["history"]), float(state["best"])
        where = ckpt / "model.safetensors"
        weights = load_file(str(where))
        expected = model.state_dict()
        if set(weights) != set(expected) or any(weights[k].shape != expected[k].shape for k in expected):
            raise ValueError("weights do not match the model")
        where = ckpt / "state.pt"
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
    except Exception as exc:  # truncated, corrupt or foreign files
        logger.warning("checkpoint file %s is unreadable (%s: %s); starting afresh", where, type(exc).__name__, exc)
        optimizer.load_state_dict(fresh_optimizer)
        scheduler.load_state_dict(fresh_scheduler)
        return None
    model.load_state_dict(weights)
    logger.info("resumed from %s after epoch %d", ckpt, epoch)
    return epoch, history, best


def _checkpoint(ckpt: Path, model, optimizer, scheduler, epoch, history, best, fingerprint) -> None:
    from safetensors.torch import save_file

    tmp = ckpt.with_name(ckpt.name + ".tmp")
    old = ckpt.with_name(ckpt.name + ".old")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, str(tmp / "model.safetensors"))
    torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "epoch": epoch,
                "history": json.dumps(history), "best": best, "fingerprint": fingerprint}, tmp / "state.pt")
    # a crash at any point leaves a whole checkpoint: the previous one (ckpt or ckpt.old) or this one
    shutil.rmtree(old, ignore_errors=True)
    if ckpt.exists():
        ckpt.rename(old)
    tmp.rename(ckpt)
    shutil.rmtree(old, ignore_errors=True)


def _summary(args, train_docs, dev_docs, history, pretrained, extra_docs=(), setup_seconds: float = 0.0) -> dict:
    return {"arguments": asdict(args), "train_documents": [d.id for d in train_docs],
            "extra_documents": len(extra_docs),
            "dev_documents": [d.id for d in dev_docs], "encoder_pretrained": pretrained, "history": history,
            "setup_seconds": setup_seconds,
            "train_seconds": round(setup_seconds + sum(r.get("seconds", 0.0) for r in history), 3),
            "machine": {"cpus": os.cpu_count(), "torch_threads": torch.get_num_threads()}}


def training_markdown(model_dir: str | Path) -> str:
    """README's account of how the shipped model was trained, from its own vntransfer.json."""
    settings = json.loads((Path(model_dir) / "vntransfer.json").read_text(encoding="utf-8"))
    t = settings["training"]
    a = t["arguments"]
    best = kept_epoch(t["history"])
    dev = f"{len(t['dev_documents'])} dev documents ({', '.join(a['dev'])})" if t["dev_documents"] else "–"
    scores = (f"dev entity F1 {best['dev_entity_f1']:.3f}, relation F1 {best['dev_relation_f1']:.3f}, "
              f"event-argument F1 {best['dev_event_f1']:.3f} on {dev}") if "dev_event_f1" in best else \
        f"dev entity F1 {best.get('dev_entity_f1', float('nan')):.3f} on {dev}"
    sample = " (a seeded sample)" if a.get("extra_sample") else ""
    decoder = "CRF" if settings.get("model", {}).get("crf") else "independent softmax"
    text = (f"`{model_dir}` was trained by `python train.py configs/default.json` in "
            f"{t['train_seconds'] / 60:.1f} minutes{machine_phrase(t['machine'])} ({len(t['history'])} epochs of "
            f"{len(t['train_documents'])} seed documents × {a['real_repeat']} + {t['extra_documents']} written and "
            f"generated documents{sample}, batch {a['batch_size']}, learning rate {a['learning_rate']}, {decoder} entity "
            f"decoder); the epoch kept is {best['epoch']} ({scores}).")
    base = Path(a.get("init_model") or "") / "vntransfer.json"
    if a.get("init_model") and base.is_file():  # continued from a base model: say how that was trained
        b = json.loads(base.read_text(encoding="utf-8"))["training"]
        kept = kept_epoch(b["history"])
        text += (f" It continued from `{a['init_model']}`, trained in {b['train_seconds'] / 60:.1f} minutes "
                 f"({len(b['history'])} epochs of {len(b['train_documents'])} seed and {b['extra_documents']} written and "
                 f"generated documents, learning rate {b['arguments']['learning_rate']}; kept epoch {kept['epoch']}, dev "
                 f"entity F1 {kept.get('dev_entity_f1', float('nan')):.3f}, relation F1 "
                 f"{kept.get('dev_relation_f1', float('nan')):.3f}, event-argument F1 "
                 f"{kept.get('dev_event_f1', float('nan')):.3f}).") + _pretraining_sentence(b["arguments"])
    elif not a.get("init_model"):
        text += _pretraining_sentence(a)
    return text


def kept_epoch(history: list[dict]) -> dict:
    """The epoch whose weights were saved: best dev score (older models: dev entity F1), else the last."""
    return max(history, key=lambda r: r.get("dev_score", r.get("dev_entity_f1", r["epoch"])))


def _pretraining_sentence(arguments: dict) -> str:
    """The default encoder's pretraining, from its pretrained.json (when it is on this machine)."""
    path = Path(arguments.get("encoder_dir") or "") / "pretrained.json"
    if arguments.get("encoder") != "default" or not path.is_file():
        return ""
    pre = json.loads(path.read_text(encoding="utf-8"))
    took = f" in {pre['seconds'] / 60:.1f} minutes" if "seconds" in pre else ""
    return (f" Before that its encoder was pretrained{took} (`vntransfer pretrain`, masked LM, {pre['steps']} steps "
            f"× {pre['batch_size']} on {pre['lines']:,} lines, final perplexity {pre['perplexity_final']:.0f}).")
