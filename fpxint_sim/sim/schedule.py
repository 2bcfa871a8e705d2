"""Order a layer's n_w x n_a commuting integer jobs and count what each order costs.

The jobs W_i x X_j of one layer are independent (AbelianMul commutes), so they may run in any
order. Three orders are counted side by side:

* naive: every pair is its own job; each fetches its operands and fills/drains the array.
* weight_stationary: W_i stays and every X_j it pairs with streams past it: the jobs of W_i
  run as ONE GEMM [X_j1; X_j2; ...] @ W_i (activations stacked along M), so W_i is fetched
  from DRAM once and the array pays its fill/drain once per fold instead of once per job.
* activation_shared: X_j is read once for every W_i it pairs with: X_j @ [W_i1 | W_i2 | ...]
  (weights stacked along N).

Stacked jobs stay separate accumulators (each pair keeps its own M x N block), so the integer
results are the same as in the naive order; only traffic and cycles change. Pairs whose
operands have different bit widths are not stacked together.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.sim.job import JobResult, simulate_job
from fpxint_sim.sim.layer_shape import GemmShape

ORDERS = ("naive", "weight_stationary", "activation_shared")


@dataclass(frozen=True)
class LayerSchedule:
    """Totals of one layer's jobs under each order, and the order with the least DRAM traffic."""

    orders: dict[str, JobResult]
    best_order: str

    @property
    def naive(self) -> JobResult:
        """The job-by-job baseline."""
        return self.orders["naive"]

    @property
    def best(self) -> JobResult:
        """Totals of the chosen order."""
        return self.orders[self.best_order]


def _per_term(bits: int | Sequence[int], count: int, what: str) -> list[int]:
    if isinstance(bits, int):
        return [bits] * count
    if len(bits) < count:
        raise ValueError(f"{what}: {len(bits)} bit widths given for {count} terms")
    return list(bits)


def _stacked(hw: Accelerator, shape: GemmShape, groups: Counter, stack_ifmap: bool,
             epilogue_ops_per_job: int) -> JobResult:
    """Sum of the fused GEMMs, one per (kept term, other operand's bit width) group."""
    total = JobResult()
    for (w_bits, a_bits, _kept), copies in sorted(groups.items()):
        fused = shape.stacked(ifmap_copies=copies) if stack_ifmap else shape.stacked(
            filter_copies=copies)
        result = simulate_job(hw, fused, w_bits, a_bits, epilogue_ops_per_job * copies)
        total += dataclasses.replace(result, jobs=copies)
    return total


def schedule_layer_jobs(hw: Accelerator, shape: GemmShape, pairs: Sequence[tuple[int, int]],
                        weight_bits: int | Sequence[int], activation_bits: int | Sequence[int],
                        epilogue_ops_per_job: int = 0) -> LayerSchedule:
    """Count the layer's (i, j) jobs in each order of ORDERS; bits are per term or one for all."""
    pairs = list(pairs)
    if not pairs:
        raise ValueError("a layer needs at least one (weight term, activation term) pair")
    if len(set(pairs)) != len(pairs):
        raise ValueError("a (weight term, activation term) pair is listed twice")
    wb = _per_term(weight_bits, 1 + max(i for i, _ in pairs), "weight_bits")
    ab = _per_term(activation_bits, 1 + max(j for _, j in pairs), "activation_bits")
    naive = sum((simulate_job(hw, shape, wb[i], ab[j], epilogue_ops_per_job)
                 for i, j in pairs), JobResult())
    by_weight = Counter((wb[i], ab[j], i) for i, j in pairs)
    by_activation = Counter((wb[i], ab[j], j) for i, j in pairs)
    orders = {
        "naive": naive,
        "weight_stationary": _stacked(hw, shape, by_weight, True, epilogue_ops_per_job),
        "activation_shared": _stacked(hw, shape, by_activation, False, epilogue_ops_per_job),
    }
    best = min(ORDERS, key=lambda o: (orders[o].dram_read_bytes + orders[o].dram_write_bytes,
                                      orders[o].cycles, ORDERS.index(o)))
    return LayerSchedule(orders=orders, best_order=best)
