"""`vntransfer export`: gold or predicted corpora as a `datasets.DatasetDict`, on disk twice over.

    OUT/arrow/            DatasetDict.save_to_disk (datasets.load_from_disk(OUT/arrow))
    OUT/data/<split>-00000-of-00001.parquet
    OUT/README.md         dataset card; its metadata block maps the splits to the Parquet files, so
                          datasets.load_dataset(OUT) reads them too

Each split holds the documents of the paths given for it (`NAME=PATH`, or a path alone: its stem names
the split; a PATH may be a glob pattern). The folder is written into a temporary sibling and renamed into place; a previous export is
replaced whole, any other non-empty folder is refused.
"""
from __future__ import annotations

import glob
import logging
import re
import shutil
import tempfile
from pathlib import Path
from typing import Optional, Union

from .. import __version__
from .corpus import corpus_features, document_row, load_documents
from .document import Document

MARKER = "arrow/dataset_dict.json"
logger = logging.getLogger(__name__)


def split_name(spec: str) -> tuple[str, str]:
    """'train=data/x.jsonl' -> ('train', 'data/x.jsonl'); 'data/dev/dev40.jsonl' -> ('dev40', ...)."""
    if "=" in spec and re.fullmatch(r"[A-Za-z0-9_.-]+", spec.split("=", 1)[0]):
        name, path = spec.split("=", 1)
    else:
        path = spec.rstrip("/")
        name = Path(path).name.split(".")[0] or "data"
    name = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return name, path


def export_corpus(specs: list[str], out: Union[str, Path], extractor=None, model_name: Optional[str] = None,
                  batch_size: int = 16) -> dict[str, int]:
    """Write the corpora named by `specs` into `out`; with an `extractor`, its predictions on their texts
    (ids and meta kept) instead of the gold. Returns documents per split."""
    from datasets import Dataset, DatasetDict

    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise FileExistsError(f"{out}: exists and is not an earlier export; refusing to replace it")
    splits: dict[str, list[Document]] = {}
    sources: dict[str, list[str]] = {}
    for spec in specs:
        name, path = split_name(spec)
        # a pattern is expanded here, since the shell leaves "seeds=annotations/*.json" alone
        paths = sorted(glob.glob(path)) if glob.has_magic(path) else [path]
        if not paths:
            raise FileNotFoundError(f"{path}: matches no file")
        splits.setdefault(name, []).extend(load_documents(paths))
        sources.setdefault(name, []).append(path)
    for name, docs in splits.items():
        ids = [d.id for d in docs]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            logger.warning("split %s: ids given more than once (the same document twice?): %s", name, ", ".join(repeated[:10]))
    if extractor is not None:
        for name, docs in splits.items():
            predicted = extractor.predict_many([d.text for d in docs], batch_size=batch_size, ids=[d.id for d in docs])
            splits[name] = [Document(p.id, p.text, p.entities, p.relations, p.events, d.meta) for p, d in zip(predicted, docs)]
    features = corpus_features()
    dd = DatasetDict({name: Dataset.from_list([document_row(d) for d in docs], features=features)
                      for name, docs in splits.items()})
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.exporting-", dir=out.parent))
    try:
        dd.save_to_disk(str(tmp / "arrow"))
        (tmp / "data").mkdir()
        for name, ds in dd.items():
            ds.to_parquet(str(tmp / "data" / f"{name}-00000-of-00001.parquet"))
        (tmp / "README.md").write_text(dataset_card(splits, sources, model_name if extractor is not None else None),
                                       encoding="utf-8")
        tmp.chmod(0o755)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {name: len(docs) for name, docs in splits.items()}


def dataset_card(splits: dict[str, list[Document]], sources: dict[str, list[str]], model: Optional[str]) -> str:
    kind = f"predictions of the vntransfer model `{model}`" if model else "gold annotations"
    lines = ["---", "language:", "- vi", "license: other", "task_categories:", "- token-classification",
             "task_ids:", "- named-entity-recognition", "tags:", "- vntransfer", "- relation-extraction",
             "- event-extraction", "configs:", "- config_name: default", "  data_files:"]
    for name in splits:
        lines += [f"  - split: {name}", f"    path: data/{name}-*.parquet"]
    lines += ["---", "", "# vntransfer corpus", "",
              f"Vietnamese news texts about transfers of officials with their {kind}, in the SPEC.md schema of "
              f"the vntransfer package (version {__version__}): entities, relations and transfer events, with "
              "character offsets into `text`. Written by `vntransfer export`.", "",
              "| split | documents | entities | relations | events | from |", "|---|---|---|---|---|---|"]
    for name, docs in splits.items():
        lines.append(f"| {name} | {len(docs)} | {sum(len(d.entities) for d in docs)} | "
                     f"{sum(len(d.relations) for d in docs)} | {sum(len(d.events) for d in docs)} | "
                     f"{', '.join(f'`{s}`' for s in sources[name])} |")
    lines += ["", "## Fields", "",
              "- `id`, `text`: the document",
              "- `entities`: `id`, `type` (PERSON, POSITION, BODY, LOCALITY), `start`, `end` (character offsets, end "
              "exclusive), `text`, `score` (predictions only, else null)",
              "- `relations`: `id`, `type` (HOLDS, APPOINTED_TO, OF, LOCATED_IN, TRANSFERRED_TO), `head`, `tail` "
              "(entity ids), `score`",
              "- `events`: `id`, `type`, `trigger` (`start`, `end`, `text`, or null), `person`, `from` and `to` "
              "(lists of `position` and `body` entity ids), `destination` (entity ids), `score`",
              "- `meta`: the document's free-form metadata as a JSON string", "",
              "## Load it", "", "```python",
              "import datasets",
              "dd = datasets.load_from_disk(\"THIS_FOLDER/arrow\")        # or datasets.load_dataset(\"THIS_FOLDER\") (Parquet)",
              "from vntransfer.annotation.corpus import dataset_documents",
              f"docs = dataset_documents(dd[{next(iter(splits))!r}])          # vntransfer.Document objects",
              "```", "",
              "Licensing of the texts follows their sources (see the vntransfer repository); the annotations are "
              "the project's.", ""]
    return "\n".join(lines)


def read_export(out: Union[str, Path]) -> dict:
    """The DatasetDict of an export folder (from its Arrow copy)."""
    from datasets import load_from_disk

    return load_from_disk(str(Path(out) / "arrow"))


__all__ = ["export_corpus", "dataset_card", "read_export", "split_name"]
