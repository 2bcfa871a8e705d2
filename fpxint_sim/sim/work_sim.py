"""Evaluate a list of LayerWork on an accelerator: per layer the scheduled orders, per job counts.

A layer's jobs are ordered by `schedule_layer_jobs` (the chosen order is the layer's cost; the
naive order is kept for comparison); each (i, j) job is also counted on its own, for the cost of
every expansion term. A grouped convolution runs its groups one after another as separate jobs
(`JobResult.repeated`). Layers run one after another: network cycles are the sum of layer cycles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.sim.job import JobResult, simulate_job
from fpxint_sim.sim.layer_work import LayerWork
from fpxint_sim.sim.schedule import ORDERS, LayerSchedule, schedule_layer_jobs


@dataclass(frozen=True)
class LayerRun:
    """Costs of one layer: each order's totals (all groups), and each (i, j) job on its own."""

    work: LayerWork
    schedule: LayerSchedule
    jobs: dict[tuple[int, int], JobResult]

    @property
    def chosen(self) -> JobResult:
        """Totals of the order the scheduler picked."""
        return self.schedule.best


def _no_jobs() -> LayerSchedule:
    return LayerSchedule(orders=dict.fromkeys(ORDERS, JobResult()), best_order="naive")


def simulate_layer_work(hw: Accelerator, work: LayerWork) -> LayerRun:
    """Schedule and count one layer's jobs (a layer with no pairs costs nothing)."""
    if not work.pairs:
        return LayerRun(work, _no_jobs(), {})
    ops = {p: work.epilogue_ops_of(p) for p in work.pairs}
    sched = schedule_layer_jobs(hw, work.gemm, work.pairs, work.w_bits, work.a_bits, ops)
    if work.groups != 1:
        sched = LayerSchedule({k: v.repeated(work.groups) for k, v in sched.orders.items()},
                              sched.best_order)
    jobs = {p: simulate_job(hw, work.gemm, work.w_bits, work.a_bits, ops[p]).repeated(
        work.groups) for p in work.pairs}
    return LayerRun(work, sched, jobs)


def simulate_network_work(hw: Accelerator, works: Sequence[LayerWork],
                          on_layer: Callable[[str], None] | None = None) -> list[LayerRun]:
    """Every layer in order; `on_layer(name)` is called after each (progress bars)."""
    runs = []
    for work in works:
        runs.append(simulate_layer_work(hw, work))
        if on_layer is not None:
            on_layer(work.name)
    return runs
