"""Corpus prediction on Ray Data (`vntransfer predict-corpus`): shards (shards.py) go through a pool of
actors that each load the model once (`Dataset.map_batches` with an `ActorPoolStrategy`) and write the
shard files; the driver only plans, shows progress and writes the summary.

A local Ray is started unless `address` names a cluster (`ray start --head` ...). The model's files travel
to the workers through Ray's object store (each worker checks their SHA-256 on loading); the inputs and the
output folder must be at the same path on every node (one machine, or a shared file system).
"""
from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Optional, Sequence, Union

from .shards import (Shard, claim_output, make_manifest, plan_shards, predict_records, read_shard, write_shard,
                     write_summary, written_shards)

logger = logging.getLogger(__name__)

#: object store of a local Ray: shard descriptions, per-shard summaries and the model's files pass through it
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024
#: one line per run that wrote shards, appended in the output folder
RUNS = "runs.jsonl"


class ShardPredictor:
    """A Ray Data actor: loads the model once, then predicts and writes whole shards (one per batch row)."""

    def __init__(self, model_files: dict, out: str, batch_size: int, jsonl: bool, threads: int):
        import tempfile

        import torch

        from ..pipeline import load

        torch.set_num_threads(max(1, threads))
        folder = Path(tempfile.mkdtemp(prefix="vntransfer-model-"))
        for name, data in model_files.items():
            (folder / name).write_bytes(data)
        self.extractor = load(folder)
        self.out, self.batch_size, self.jsonl = out, batch_size, jsonl
        self.worker = f"{os.uname().nodename}:{os.getpid()}"

    def __call__(self, batch):
        import pyarrow as pa

        rows = []
        for row in batch.to_pylist():
            shard = Shard.from_row(row)
            started = time.time()
            results = predict_records(self.extractor, list(read_shard(shard)), self.batch_size)
            write_shard(self.out, shard.index, results, self.jsonl)
            errors = [r for r in results if "error" in r]
            rows.append({"shard": shard.index, "documents": len(results) - len(errors), "errors": len(errors),
                         "first_error": f"{errors[0]['source']}: {errors[0]['error']}" if errors else None,
                         "started": started, "finished": time.time(), "worker": self.worker})
        return pa.Table.from_pylist(rows)


def model_files(model_dir: Union[str, Path]) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(Path(model_dir).iterdir()) if p.is_file()}


def predict_corpus(inputs: Sequence[Union[str, Path]], out: Union[str, Path], model: Union[str, Path, None] = None, *,
                   workers: Optional[int] = None, cpus_per_worker: float = 1, shard_size: int = 1000,
                   batch_size: int = 16, jsonl: bool = False, address: Optional[str] = None,
                   progress: bool = True) -> dict:
    """Predict every record of `inputs` into `out` (shards.py describes both) and return the run's summary:
    shards (planned, skipped as already written, written now), documents and errors written now, seconds, per
    shard its worker and times, and when every shard is written (`complete`) the `total` documents and errors. Ray is used as it is when already initialised, else a local Ray is started
    (or `address` joined) and shut down at the end. Inputs, output folder and model are checked first
    (`shards.CorpusError`), before Ray starts."""
    from ..pipeline import ModelLoadError, default_model_dir

    model_dir = Path(model) if model is not None else default_model_dir()
    if not model_dir.is_dir():
        raise ModelLoadError(f"{model_dir}: no such model directory")
    shards = plan_shards(inputs, shard_size)
    claim_output(out, make_manifest(shards, model_dir, shard_size, batch_size, jsonl))
    done = written_shards(out, jsonl)
    todo = [s for s in shards if s.index not in done]
    summary = {"shards": len(shards), "skipped": len(shards) - len(todo), "written": 0, "documents": 0, "errors": 0,
               "first_errors": [], "per_shard": []}
    if todo:
        summary.update(_run(todo, out, model_dir, workers, cpus_per_worker, batch_size, jsonl, address, progress))
        log_run(out, summary)
    summary["complete"] = summary["skipped"] + summary["written"] == len(shards)
    if summary["complete"]:
        summary["total"] = output_counts(out)
        write_summary(out, {"shards": len(shards), **summary["total"]})
    return summary


def log_run(out: Union[str, Path], summary: dict) -> None:
    """Append this run (shards skipped and written, workers, per shard its worker and times) to OUT/runs.jsonl."""
    import json

    with open(Path(out) / RUNS, "a", encoding="utf-8") as f:
        f.write(json.dumps({"finished": time.time(), **summary}, ensure_ascii=False) + "\n")


def output_counts(out: Union[str, Path]) -> dict:
    """Documents and error rows in all the shard files of `out`."""
    import pyarrow.parquet as pq

    documents = errors = 0
    for p in sorted((Path(out) / "parquet").glob("part-*.parquet")):
        column = pq.read_table(p, columns=["error"]).column("error")
        errors += len(column) - column.null_count
        documents += column.null_count
    return {"documents": documents, "errors": errors}


def _run(todo: list[Shard], out, model_dir: Path, workers: Optional[int], cpus_per_worker: float, batch_size: int,
         jsonl: bool, address: Optional[str], progress: bool) -> dict:
    import ray
    import ray.data

    started_ray = not ray.is_initialized()
    if started_ray:
        if address:
            ray.init(address=address, log_to_driver=True)
        else:
            cpus = None if workers is None else max(1, int(workers * cpus_per_worker + 0.999))
            ray.init(address="local", num_cpus=cpus, include_dashboard=False,
                     object_store_memory=LOCAL_OBJECT_STORE_BYTES)
    try:
        if workers is None:
            workers = max(1, int(ray.cluster_resources().get("CPU", 1) // cpus_per_worker))
        workers = min(workers, len(todo))
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False  # ours counts shards and documents instead
        ctx.enable_operator_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        t0 = time.perf_counter()
        ds = ray.data.from_items([s.to_row() for s in todo], override_num_blocks=len(todo)).map_batches(
            ShardPredictor, batch_size=1, batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=cpus_per_worker,
            fn_constructor_kwargs={"model_files": model_files(model_dir), "out": str(out), "batch_size": batch_size,
                                   "jsonl": jsonl, "threads": max(1, int(cpus_per_worker))})
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), unit="shard", desc=f"predict-corpus ({workers} workers)", disable=not progress,
                   file=sys.stderr)
        per_shard, documents, errors, first_errors = [], 0, 0, []
        for row in ds.iter_rows():
            per_shard.append(dict(row))
            documents += row["documents"]
            errors += row["errors"]
            if row["first_error"] and len(first_errors) < 20:
                first_errors.append(row["first_error"])
            bar.update(1)
            bar.set_postfix(documents=documents, errors=errors)
        bar.close()
        return {"written": len(per_shard), "documents": documents, "errors": errors, "first_errors": first_errors,
                "workers": workers, "seconds": time.perf_counter() - t0,
                "per_shard": sorted(per_shard, key=lambda r: r["shard"])}
    finally:
        if started_ray:
            ray.shutdown()
