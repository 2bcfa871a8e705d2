"""Evaluate a list of LayerWork on an accelerator: per layer the scheduled orders, per job counts.

A layer's jobs are ordered by `schedule_layer_jobs` (the chosen order is the layer's cost; the
naive order is kept for comparison); each (i, j) job is also counted on its own, for the cost of
every expansion term. Each job runs in the PE operands the one operand rule gives its terms
(LayerWork.operands, fpxint_sim/hw/operands.py): its MAC rate and energy, its traffic by operand
width, and its zero-point corrections (with_zero_point_ops) follow from them. A grouped
convolution runs its groups one after another as separate jobs (`JobResult.repeated`). Layers
run one after another: network cycles are the sum of layer cycles.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fpxint_sim.errors import InputError
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.sim.energy import ENERGY_COMPONENTS, static_energy_pj
from fpxint_sim.sim.epilogue_ops import with_zero_point_ops
from fpxint_sim.sim.job import JobResult, simulate_job
from fpxint_sim.sim.layer_work import LayerWork, PairOperands
from fpxint_sim.sim.schedule import ORDERS, LayerSchedule, schedule_layer_jobs
from fpxint_sim.sim.traffic import packed_bytes


@dataclass(frozen=True)
class LayerRun:
    """Costs of one layer: each order's totals (all groups), each (i, j) job on its own, and
    what each job was charged as: its PE operands and its epilogue ops by kind (one group)."""

    work: LayerWork
    schedule: LayerSchedule
    jobs: dict[tuple[int, int], JobResult]
    operands: dict[tuple[int, int], PairOperands] = dataclasses.field(default_factory=dict)
    epilogue_ops: dict[tuple[int, int], dict[str, int]] = dataclasses.field(default_factory=dict)

    def epilogue_totals(self) -> dict[str, int]:
        """Vector-unit ops of the whole layer by kind (all pairs, all groups)."""
        totals: dict[str, int] = {}
        for row in self.epilogue_ops.values():
            for kind, n in row.items():
                totals[kind] = totals.get(kind, 0) + n * self.work.groups
        return totals

    @property
    def chosen(self) -> JobResult:
        """Totals of the order the scheduler picked."""
        return self.schedule.best


def _no_jobs() -> LayerSchedule:
    return LayerSchedule(orders=dict.fromkeys(ORDERS, JobResult()), best_order="naive")


LAYER_OUTPUT_BITS = 32  # the layer's float output (fp32), written once for the next layer


def layer_epilogue_traffic(hw: Accelerator, work: LayerWork,
                           output_bits: int = LAYER_OUTPUT_BITS) -> JobResult:
    """Memory traffic of the epilogue, once per layer: the vector unit reads every job's
    accumulators from the ofmap buffer (they never go to DRAM: the scaled sum is formed on chip)
    and the layer's fp32 output is written to DRAM once, after the last job; with limited DRAM
    bandwidth that write-back is counted as stall cycles (not overlapped: conservative)."""
    g = work.gemm
    acc_bytes = packed_bytes(g.m * g.n, hw.arithmetic.accumulator_bits) * len(work.pairs)
    out_bytes = packed_bytes(g.m * g.n, output_bits)
    energy = dict.fromkeys(ENERGY_COMPONENTS, 0.0)
    energy["ofmap_sram"] = acc_bytes * hw.sram.energy_pj_per_byte("ofmap", "read")
    energy["dram"] = out_bytes * hw.dram.dram_write_energy_pj_per_byte
    bw = hw.dram.dram_bw_bytes_per_cycle
    stall = 0 if bw is None else math.ceil(out_bytes / bw)
    energy["static"] = static_energy_pj(hw, stall)
    return JobResult(cycles=stall, stall_cycles=stall, dram_epilogue_cycles=stall,
                     ofmap_sram_read_bytes=acc_bytes, dram_write_bytes=out_bytes,
                     ofmap_dram_write_bytes=out_bytes, energy_pj=energy)


def simulate_layer_work(hw: Accelerator, work: LayerWork, memory_model: str = "fpxint",
                        output_bits: int = LAYER_OUTPUT_BITS) -> LayerRun:
    """Schedule and count one layer's jobs (a layer with no pairs costs nothing).

    Jobs hand their accumulators to the epilogue unit on chip (out_bits=0); the epilogue's own
    traffic (layer_epilogue_traffic) is added once to every order. memory_model: 'fpxint' or
    'scalesim' (SCALE-Sim's scratchpads per job, see simulate_job). output_bits: width of the
    layer's output as written to DRAM (fp32 by default; 16 for an LLM's fp16 activations).
    """
    if not work.pairs:
        return LayerRun(work, _no_jobs(), {})
    operands = work.operands(hw)
    g = work.gemm
    by_kind = with_zero_point_ops({p: work.epilogue_ops.get(p, {}) for p in work.pairs},
                                  operands, g.m * g.n)
    ops = {p: sum(row.values()) for p, row in by_kind.items()}
    w_ops = {i: operands[(i, j)].weight for i, j in work.pairs}
    a_ops = {j: operands[(i, j)].activation for i, j in work.pairs}
    sched = schedule_layer_jobs(hw, work.gemm, work.pairs, w_ops, a_ops, ops,
                                out_bits=0, memory_model=memory_model)
    tail = layer_epilogue_traffic(hw, work, output_bits)
    sched = LayerSchedule({k: (v + tail).repeated(work.groups) for k, v in sched.orders.items()},
                          sched.best_order)
    jobs = {p: simulate_job(hw, work.gemm, operands[p].weight, operands[p].activation, ops[p],
                            0, memory_model).repeated(work.groups) for p in work.pairs}
    return LayerRun(work, sched, jobs, operands, by_kind)


def simulate_network_work(hw: Accelerator, works: Sequence[LayerWork],
                          on_layer: Callable[[str], None] | None = None,
                          memory_model: str = "fpxint") -> list[LayerRun]:
    """Every layer in order; `on_layer(name)` is called after each (progress bars).

    A layer whose work equals an earlier one's but for its name (a depthwise topology row split
    per channel, a model's repeated blocks) shares that layer's costs: the cost is a function
    of the work alone, so it is computed once per distinct work."""
    runs, seen = [], {}
    for work in works:
        key = _cost_key(work)
        try:
            known = seen.get(key) if key is not None else None
            run = simulate_layer_work(hw, work, memory_model) if known is None else \
                dataclasses.replace(known, work=work)
        except InputError as e:  # say which layer could not be costed (once)
            named = f"layer {work.name}:" in str(e)
            raise InputError(str(e) if named else f"layer {work.name}: {e}") from None
        if key is not None:
            seen.setdefault(key, run)
        runs.append(run)
        if on_layer is not None:
            on_layer(work.name)
    return runs


def _cost_key(work: LayerWork):
    """Everything of `work` its costs depend on (all but its name and overflow events, which
    only name and annotate it), hashable; None when a field cannot be hashed."""
    # gemm.conv is outside GemmShape's equality, but SCALE-Sim's memory model reads its geometry
    key = (work.gemm, work.gemm.conv, work.pairs, work.w_bits, work.a_bits, work.groups,
           work.w_terms, work.a_terms, work.kind, work.w_term_types, work.a_term_types,
           tuple(sorted((p, tuple(sorted(ops.items()))) for p, ops in work.epilogue_ops.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key
