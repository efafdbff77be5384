"""Word segmentation of a corpus through `datasets`: `Dataset.map` over the texts, with its on-disk cache.

Segmentation (underthesea) is most of the cost of preparing training data, and every training run,
cross-validation fold and ablation row segments the same texts again. Here a corpus is segmented once:
the result (per sentence piece: its character span and the syllables in each word) is an Arrow file
named by a hash of the texts, the segmenter's version and the source of our splitting code, so a later
run reads it back and a change of any of them segments afresh. Within a process the sentences are also
kept per text, so cross-validation's folds (subsets of one corpus) reuse one segmentation.

The cache lives in `$VNTRANSFER_SEGMENT_CACHE`, else in datasets' cache folder (`$HF_DATASETS_CACHE`)
under `vntransfer-segments`; `VNTRANSFER_SEGMENT_CACHE=off` keeps everything in memory.
"""
from __future__ import annotations

import hashlib
import inspect
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Optional

from . import syllables as _syllables_module
from . import words as _words_module
from .syllables import split_syllables
from .words import Sentence, Word, segment_words, segmenter_info

logger = logging.getLogger(__name__)

CACHE_ENV = "VNTRANSFER_SEGMENT_CACHE"

# (text, segment) -> sentences, for this process
_segmented: dict[tuple[str, bool], tuple[Sentence, ...]] = {}


def cache_dir() -> Optional[Path]:
    """Where segmentations are kept on disk; None when the cache is off."""
    env = os.environ.get(CACHE_ENV)
    if env == "off":
        return None
    if env:
        return Path(env)
    import datasets

    return Path(datasets.config.HF_DATASETS_CACHE) / "vntransfer-segments"


def segmentation_features():
    """One row per text: its sentence pieces, each a character span and the syllable count of each word."""
    from datasets import Features, Value

    return Features({"text": Value("string"),
                     "sentences": [{"start": Value("int32"), "end": Value("int32"), "words": [Value("int32")]}]})


@lru_cache(maxsize=1)
def _code_version() -> str:
    """The segmenter's name and version and the source of our sentence, syllable and word splitting."""
    h = hashlib.sha256(repr(sorted(segmenter_info().items())).encode())
    for module in (_words_module, _syllables_module):
        h.update(inspect.getsource(module).encode())
    return h.hexdigest()


def cache_key(texts: list[str], segment: bool) -> str:
    h = hashlib.sha256(f"{_code_version()}\0{segment}\0{len(texts)}".encode())
    for t in texts:
        h.update(hashlib.sha256(t.encode("utf-8", "surrogatepass")).digest())
    return h.hexdigest()[:32]


def _segment_rows(batch: dict, segment: bool) -> dict:
    return {"sentences": [[{"start": s.start, "end": s.end, "words": [w.last - w.first + 1 for w in s.words]}
                           for s in segment_words(text, segment=segment)] for text in batch["text"]]}


def segment_dataset(texts: list[str], segment: bool = True):
    """`Dataset` of `segmentation_features()` for `texts`, made by `Dataset.map` and read back from the on-disk
    cache when these texts were segmented before by this segmenter and code."""
    from datasets import Dataset, Features

    key = cache_key(texts, segment)
    folder = cache_dir()
    cache_file = None
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            cache_file = str(folder / f"segments-{key}.arrow")
        except OSError as exc:
            logger.warning("segmentation cache %s cannot be written (%s); segmenting in memory", folder, exc.strerror or exc)
    dataset = Dataset.from_dict({"text": texts}, features=Features({"text": segmentation_features()["text"]}))
    return dataset.map(_segment_rows, batched=True, batch_size=64, fn_kwargs={"segment": segment},
                       features=segmentation_features(), cache_file_name=cache_file, load_from_cache_file=True,
                       keep_in_memory=cache_file is None, new_fingerprint=key, desc="word segmentation")


def sentences_of_row(text: str, pieces: list[dict]) -> tuple[Sentence, ...]:
    """The `Sentence`s of one text from its row: syllables are split again (cheap), words come from the row."""
    out = []
    for piece in pieces:
        syllables = split_syllables(text, piece["start"], piece["end"])
        words, i = [], 0
        for n in piece["words"]:
            words.append(Word(i, i + n - 1))
            i += n
        if i != len(syllables):  # cannot happen for a row of this code version; never trust it blindly
            raise ValueError(f"segmentation cache disagrees with the text at {piece['start']}:{piece['end']}")
        out.append(Sentence(piece["start"], piece["end"], tuple(syllables), tuple(words)))
    return tuple(out)


def segmented_texts(texts: list[str], segment: bool = True) -> list[tuple[Sentence, ...]]:
    """`segment_words(text, segment)` for each text, through the process's memory and the on-disk cache:
    texts not seen in this process are segmented together in one `segment_dataset`."""
    missing = list(dict.fromkeys(t for t in texts if (t, segment) not in _segmented))
    if missing:
        rows = segment_dataset(missing, segment)["sentences"]
        for text, pieces in zip(missing, rows):
            _segmented[(text, segment)] = sentences_of_row(text, pieces)
    return [_segmented[(t, segment)] for t in texts]


def forget_segmentations() -> None:
    """Drop what this process holds (the on-disk cache stays): for measuring a cold start."""
    _segmented.clear()
