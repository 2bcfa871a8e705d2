"""Order a layer's n_w x n_a commuting integer jobs and count what each order costs.

The jobs W_i x X_j of one layer are independent (AbelianMul commutes), so they may run in any
order. Three orders are counted side by side:

* naive: every pair is its own job; each fetches its operands and fills/drains the array.
* weight_stationary: W_i stays and every X_j it pairs with streams past it: the jobs of W_i
  run as ONE GEMM [X_j1; X_j2; ...] @ W_i (activations stacked along M), so W_i is fetched
  from DRAM once and the array pays its fill/drain once per fold instead of once per job.
* activation_shared: X_j is read once for every W_i it pairs with: X_j @ [W_i1 | W_i2 | ...]
  (weights stacked along N).

* split_array: independent jobs side by side on equal column slices of the array (2 or 4;
  each slice gets its share of the buffers, the DRAM bandwidth and the vector unit); the layer
  takes as long as its busiest slice. Worth it when N is small and most columns would idle.

Stacked jobs stay separate accumulators (each pair keeps its own M x N block), so the integer
results are the same as in the naive order; only traffic and cycles change. Pairs whose
PE operands have different widths (fpxint_sim/hw/operands.py) are not stacked together;
signedness and offsets do not change the array's rate, energy or bytes.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fpxint_sim.hw.operands import OperandChoice, activation_operand, weight_operand
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.sim.energy import static_energy_pj
from fpxint_sim.sim.job import JobResult, as_operand, simulate_job
from fpxint_sim.sim.layer_shape import GemmShape

ORDERS = ("naive", "weight_stationary", "activation_shared", "split_array")
SPLITS = (2, 4)


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


def _per_term(hw: Accelerator, rule, operands, count: int, what: str):
    """One operand choice per term (index = term number; a plain width: a signed term)."""
    if isinstance(operands, Mapping):  # {term number: OperandChoice}
        return dict(operands)
    if isinstance(operands, int | OperandChoice):
        operands = [operands] * count
    if len(operands) < count:
        raise ValueError(f"{what}: {len(operands)} operands given for {count} terms")
    return [as_operand(hw, rule, op) for op in operands]


def _stacked(hw: Accelerator, shape: GemmShape, groups: dict, stack_ifmap: bool, wb, ab,
             ops_of, out_bits: int | None, memory_model: str) -> JobResult:
    """Sum of the fused GEMMs, one per (operand widths, kept term) group. The members of a
    group share the PE operand widths, hence the MAC rate, energy and bytes per element; the
    first member's operand types stand for the group."""
    total = JobResult()
    for _key, members in sorted(groups.items()):
        copies = len(members)
        fused = shape.stacked(ifmap_copies=copies) if stack_ifmap else shape.stacked(
            filter_copies=copies)
        i, j = members[0]
        result = simulate_job(hw, fused, wb[i], ab[j], sum(ops_of(p) for p in members),
                              out_bits, memory_model)
        total += dataclasses.replace(result, jobs=copies)
    return total


def _slice(hw: Accelerator, parts: int) -> Accelerator:
    """One of `parts` equal column slices of hw, with its share of buffers and bandwidth."""
    s, d, v = hw.sram, hw.dram, hw.vector_unit
    bw = d.dram_bw_bytes_per_cycle
    return dataclasses.replace(
        hw, array=dataclasses.replace(hw.array, array_cols=hw.array.array_cols // parts),
        sram=dataclasses.replace(s, ifmap_sram_kib=s.ifmap_sram_kib / parts,
                                 filter_sram_kib=s.filter_sram_kib / parts,
                                 ofmap_sram_kib=s.ofmap_sram_kib / parts),
        dram=dataclasses.replace(d, dram_bw_bytes_per_cycle=None if bw is None else bw / parts),
        vector_unit=dataclasses.replace(
            v, vector_ops_per_cycle=max(1, v.vector_ops_per_cycle // parts)),
        static_power_mw=0.0)  # the chip's static energy is charged once, over the layer time


def _split_array(hw: Accelerator, shape: GemmShape, pairs, wb, ab, ops_of,
                 out_bits: int | None) -> JobResult | None:
    """Best split of the array among independent jobs (round-robin), or None if none fits."""
    best = None
    for parts in SPLITS:
        if parts > len(pairs) or hw.array.array_cols % parts:
            continue
        sub = _slice(hw, parts)
        lanes = [JobResult() for _ in range(parts)]
        for k, (i, j) in enumerate(pairs):
            lanes[k % parts] += simulate_job(sub, shape, wb[i], ab[j], ops_of((i, j)), out_bits)
        total = sum(lanes, JobResult())
        cycles = max(lane.cycles for lane in lanes)
        first_w, first_a = wb[pairs[0][0]], ab[pairs[0][1]]
        macs_per_pe = hw.arithmetic.macs_per_cycle(first_w.operand_type, first_a.operand_type)
        energy = dict(total.energy_pj)
        energy["static"] = static_energy_pj(hw, cycles)
        result = dataclasses.replace(
            total, cycles=cycles, compute_cycles=max(lane.compute_cycles for lane in lanes),
            stall_cycles=max(lane.stall_cycles for lane in lanes),
            mac_slots=cycles * hw.num_pes * macs_per_pe, energy_pj=energy)
        if best is None or result.cycles < best.cycles:
            best = result
    return best


def _grouped(pairs, key) -> dict:
    groups = defaultdict(list)
    for pair in pairs:
        groups[key(pair)].append(pair)
    return groups


def schedule_layer_jobs(hw: Accelerator, shape: GemmShape, pairs: Sequence[tuple[int, int]],
                        weight_operands: OperandChoice | int | Sequence | Mapping,
                        activation_operands: OperandChoice | int | Sequence | Mapping,
                        epilogue_ops_per_job: int | Mapping[tuple[int, int], int] = 0,
                        out_bits: int | None = None,
                        memory_model: str = "fpxint") -> LayerSchedule:
    """Count the layer's (i, j) jobs in each order of ORDERS; operands (OperandChoice, or a
    width for a signed term) are per term (a sequence or mapping indexed by term number) or
    one for all.

    Epilogue (vector unit) ops are one count for every job, or a count per (i, j) pair; a fused
    GEMM carries the sum of its pairs' ops. out_bits: width at which each job's outputs leave
    for DRAM (None: the accumulator width; 0: consumed on chip by the epilogue unit).
    memory_model: see simulate_job; with 'scalesim' the split_array order is not counted
    (SCALE-Sim runs a layer on the whole array).
    """
    pairs = list(pairs)
    if not pairs:
        raise ValueError("a layer needs at least one (weight term, activation term) pair")
    if len(set(pairs)) != len(pairs):
        raise ValueError("a (weight term, activation term) pair is listed twice")
    wb = _per_term(hw, weight_operand, weight_operands, 1 + max(i for i, _ in pairs),
                   "weight_operands")
    ab = _per_term(hw, activation_operand, activation_operands, 1 + max(j for _, j in pairs),
                   "activation_operands")
    if isinstance(epilogue_ops_per_job, Mapping):
        ops_of = epilogue_ops_per_job.__getitem__
    else:
        def ops_of(_pair):
            return epilogue_ops_per_job
    naive = sum((simulate_job(hw, shape, wb[i], ab[j], ops_of((i, j)), out_bits, memory_model)
                 for i, j in pairs), JobResult())
    by_weight = _grouped(pairs, lambda p: (wb[p[0]].bits, ab[p[1]].bits, p[0]))
    by_activation = _grouped(pairs, lambda p: (wb[p[0]].bits, ab[p[1]].bits, p[1]))
    orders = {
        "naive": naive,
        "weight_stationary": _stacked(hw, shape, by_weight, True, wb, ab, ops_of, out_bits,
                                      memory_model),
        "activation_shared": _stacked(hw, shape, by_activation, False, wb, ab, ops_of, out_bits,
                                      memory_model),
    }
    split = None if memory_model == "scalesim" else _split_array(hw, shape, pairs, wb, ab,
                                                                 ops_of, out_bits)
    if split is not None:
        orders["split_array"] = split
    best = min(orders, key=lambda o: (orders[o].dram_read_bytes + orders[o].dram_write_bytes,
                                      orders[o].cycles, ORDERS.index(o)))
    return LayerSchedule(orders=orders, best_order=best)
