"""Run a sweep: one recorded forward pass per distinct expansion setting (error and work), a
run on the engine only for the accelerators where no bound proves that the accumulators cannot
overflow (fpxint_sim/dse/model_workload.py), then the performance model for every point, on
local processes or on a Dask cluster, rows streamed to the folder."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from fpxint_sim.dse.evaluate_point import point_row, row_columns
from fpxint_sim.dse.model_workload import evaluate_expansion
from fpxint_sim.dse.run_store import open_store
from fpxint_sim.dse.space import SweepSpace, points
from fpxint_sim.engine.overflow_bound import engine_values_key, may_overflow
from fpxint_sim.errors import InputError

CHUNK = 25  # points per task: one point takes about a millisecond, a task hop far more


def setting_key(settings: dict) -> str:
    return json.dumps(settings, sort_keys=True)


def _workload_task(model: str, cfg, one_thread: bool, hw=None):
    if one_thread:
        import torch

        torch.set_num_threads(1)
    return evaluate_expansion(model, cfg, hw)


def _perf_task(chunk, workloads):
    return [point_row(p, workloads[key]) for p, key in chunk]


def workload_keys(todo, workloads: dict) -> tuple[dict, dict]:
    """({point_id: key of the workload the point reads}, {engine key: (cfg, hw)} to run).

    A point reads its setting's BLAS run when the bound proves its accelerator cannot
    overflow, else the engine run of its setting on its accelerator's arithmetic (one per
    distinct engine_values_key)."""
    use, engine = {}, {}
    for p in todo:
        key = setting_key(p.expansion_settings)
        if may_overflow(workloads[key]["works"], p.hw):
            key = f"{key}|engine {engine_values_key(p.hw)}"
            engine.setdefault(key, (p.expansion, p.hw))
        use[p.point_id] = key
    return use, engine


class _Local:
    """concurrent.futures on local processes (or inline with one worker)."""

    def __init__(self, workers: int):
        # forkserver, not fork: a sweep may have run the engine's threaded (OpenMP) kernels in
        # this process already, and a forked OpenMP process aborts
        self.pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("forkserver")) if workers > 1 else None

    def map_unordered(self, fn, argsets):
        if self.pool is None:
            for args in argsets:
                yield fn(*args)
            return
        futures = [self.pool.submit(fn, *args) for args in argsets]
        for fut in as_completed(futures):
            yield fut.result()

    def close(self):
        if self.pool:
            self.pool.shutdown()


class _Dask:
    """The same tasks on an existing Dask distributed cluster (extra 'dask')."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler needs the optional extra: "
                             "pip install 'fpxint_sim[dask]'") from None
        try:
            self.client = Client(address, timeout="10s")
        except (OSError, ValueError, TypeError) as e:  # unreachable, or not an address
            raise InputError(f"--scheduler {address}: cannot connect "
                             f"({' '.join(str(e).split())})") from None

    def map_unordered(self, fn, argsets):
        from distributed import as_completed as dask_completed

        futures = [self.client.submit(fn, *args, pure=False) for args in argsets]
        for fut in dask_completed(futures):
            yield fut.result()

    def close(self):
        self.client.close()


def worker_count(requested: int | None) -> tuple[int, str | None]:
    """Local processes to start, and a note when the request was capped: more processes than
    CPUs only adds start-up time and memory (each holds the model)."""
    cpus = os.cpu_count() or 1
    if requested is None:
        return min(2, cpus), None
    if isinstance(requested, bool) or not isinstance(requested, int) or requested < 1:
        raise InputError(f"--workers must be a positive integer, got {requested!r}")
    if requested > cpus:
        return cpus, f"--workers {requested}: capped at {cpus}, the CPUs this machine has"
    return requested, None


def run_sweep(space: SweepSpace, model: str, out: Path, workers: int | None = None,
              scheduler: str | None = None, resume: bool = False, progress: bool = True) -> dict:
    """Run every missing point of `space` into `out`; returns timing and counts."""
    out = Path(out)
    workers, _ = worker_count(workers)
    all_points, pruned = points(space)
    if not all_points:
        raise InputError(f"{space.path}: no point left to run ({pruned['constraints']} pruned by "
                         f"the constraints, {pruned['unsupported_operands']} with operand widths "
                         "the PEs do not take)")
    columns = row_columns(space.hw_axes, space.expansion_axes)
    store = open_store(out, space.fingerprint(), model, columns, resume)
    failed = True
    try:
        stats = _run(store, space, model, all_points, pruned, workers, scheduler, progress)
        failed = False
    finally:
        store.close(failed)
    return stats


def _run(store, space, model, all_points, pruned, workers, scheduler, progress) -> dict:
    done = store.done
    todo = [p for p in all_points if p.point_id not in done]
    store.write_manifest({"space": space.path, "fingerprint": space.fingerprint(),
                          "model": model, "points": len(all_points), "pruned": pruned,
                          "space_doc": space.raw})
    ex = _Dask(scheduler) if scheduler else _Local(workers)
    started = time.perf_counter()
    try:
        settings = {setting_key(p.expansion_settings): p.expansion for p in todo}
        workloads = {}
        one_thread = bool(scheduler) or workers > 1
        keys = list(settings)
        bar = tqdm(total=len(keys), desc="accuracy (per expansion setting)", unit="setting",
                   disable=not progress or not keys, file=sys.stderr)
        for key, wl in _keyed(ex, keys, settings, model, one_thread):
            workloads[key] = wl
            bar.update()
        bar.close()
        use, engine = workload_keys(todo, workloads)
        bar = tqdm(total=len(engine), desc="engine runs (accumulators may overflow)",
                   unit="run", disable=not progress or not engine, file=sys.stderr)
        for key, wl in ex.map_unordered(_keyed_task, [(k, model, cfg, one_thread, hw)
                                                      for k, (cfg, hw) in engine.items()]):
            workloads[key] = wl
            bar.update()
        bar.close()
        accuracy_s = time.perf_counter() - started
        todo_keyed = [(p, use[p.point_id]) for p in todo]
        chunks = [todo_keyed[i:i + CHUNK] for i in range(0, len(todo_keyed), CHUNK)]
        bar = tqdm(total=len(todo), desc="performance model", unit="point",
                   disable=not progress or not todo, file=sys.stderr)
        for rows in ex.map_unordered(_perf_task, [
                (c, {k: workloads[k] for k in {key for _, key in c}}) for c in chunks]):
            for row in rows:
                store.write(row)
            bar.update(len(rows))
        bar.close()
    finally:
        ex.close()
    total_s = time.perf_counter() - started
    return {"points": len(all_points), "ran": len(todo), "skipped_done": len(done),
            "pruned": pruned, "settings": len(settings), "engine_runs": len(engine),
            "accuracy_seconds": accuracy_s,
            "performance_seconds": total_s - accuracy_s, "seconds": total_s}


def _keyed_task(key, model, cfg, one_thread, hw=None):
    return key, _workload_task(model, cfg, one_thread, hw)


def _keyed(ex, keys, settings, model, one_thread):
    return ex.map_unordered(_keyed_task, [(k, model, settings[k], one_thread) for k in keys])
