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
from collections import defaultdict
from collections.abc import Mapping, Sequence
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


def _stacked(hw: Accelerator, shape: GemmShape, groups: dict, stack_ifmap: bool,
             ops_of) -> JobResult:
    """Sum of the fused GEMMs, one per (kept term, other operand's bit width) group."""
    total = JobResult()
    for (w_bits, a_bits, _kept), members in sorted(groups.items()):
        copies = len(members)
        fused = shape.stacked(ifmap_copies=copies) if stack_ifmap else shape.stacked(
            filter_copies=copies)
        result = simulate_job(hw, fused, w_bits, a_bits, sum(ops_of(p) for p in members))
        total += dataclasses.replace(result, jobs=copies)
    return total


def _grouped(pairs, key) -> dict:
    groups = defaultdict(list)
    for pair in pairs:
        groups[key(pair)].append(pair)
    return groups


def schedule_layer_jobs(hw: Accelerator, shape: GemmShape, pairs: Sequence[tuple[int, int]],
                        weight_bits: int | Sequence[int], activation_bits: int | Sequence[int],
                        epilogue_ops_per_job: int | Mapping[tuple[int, int], int] = 0,
                        ) -> LayerSchedule:
    """Count the layer's (i, j) jobs in each order of ORDERS; bits are per term or one for all.

    Epilogue (vector unit) ops are one count for every job, or a count per (i, j) pair; a fused
    GEMM carries the sum of its pairs' ops.
    """
    pairs = list(pairs)
    if not pairs:
        raise ValueError("a layer needs at least one (weight term, activation term) pair")
    if len(set(pairs)) != len(pairs):
        raise ValueError("a (weight term, activation term) pair is listed twice")
    wb = _per_term(weight_bits, 1 + max(i for i, _ in pairs), "weight_bits")
    ab = _per_term(activation_bits, 1 + max(j for _, j in pairs), "activation_bits")
    if isinstance(epilogue_ops_per_job, Mapping):
        ops_of = epilogue_ops_per_job.__getitem__
    else:
        def ops_of(_pair):
            return epilogue_ops_per_job
    naive = sum((simulate_job(hw, shape, wb[i], ab[j], ops_of((i, j)))
                 for i, j in pairs), JobResult())
    by_weight = _grouped(pairs, lambda p: (wb[p[0]], ab[p[1]], p[0]))
    by_activation = _grouped(pairs, lambda p: (wb[p[0]], ab[p[1]], p[1]))
    orders = {
        "naive": naive,
        "weight_stationary": _stacked(hw, shape, by_weight, True, ops_of),
        "activation_shared": _stacked(hw, shape, by_activation, False, ops_of),
    }
    best = min(ORDERS, key=lambda o: (orders[o].dram_read_bytes + orders[o].dram_write_bytes,
                                      orders[o].cycles, ORDERS.index(o)))
    return LayerSchedule(orders=orders, best_order=best)
