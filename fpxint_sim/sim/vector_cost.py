"""Cost of the ops that run in float on the accelerator's vector unit, and of data copies.

One table (OP_COUNTS) says how many vector-unit ops each op kind does, from the elements it
reads and writes as recorded at capture (fpxint_sim/capture/vector_ops.py). One op is what
one lane does in one cycle: an FP32 multiply-add, compare, select or round, or one evaluation
of a special function (exp, log, tanh, sigmoid, erf, sqrt, reciprocal) on the unit's
special-function path. Per op:

    ops    = per_out x out_elements + per_in x in_elements + per_window x window x out_elements
    cycles = max(ceil(ops / vector_ops_per_cycle), DRAM time)
    energy = ops x vector_energy_pj_per_op + buffer and DRAM bytes at their pJ/byte + static

Traffic: the op reads its inputs and writes its output at the activation width through the
ofmap buffer (where the vector unit also reads the array's accumulators). When its inputs and
output together do not fit in half that buffer (the other half is the double buffer's
prefetch side, as for the array's operands), they stream from and to DRAM: inputs read once,
output written once, and the DRAM time at dram_bw_bytes_per_cycle bounds the op's cycles.
A copy (cat, contiguous after a permute, pad) and an embedding lookup do no arithmetic: they
move their output's elements, one element per lane per cycle, read and written once.
A pointwise activation fused into an integer job's epilogue (capture/vector_ops.py: the job's
output is read by nothing else) is applied as the epilogue writes that output: its ops, lane
cycles and energy are charged, but it moves no bytes (the job already writes its output once).
The vector unit runs in sequence with the array: the network's cycles add these cycles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.sim.energy import ENERGY_COMPONENTS, static_energy_pj
from fpxint_sim.sim.job import JobResult
from fpxint_sim.sim.traffic import packed_bytes

ACTIVATION_BITS = 32  # float activations of a model run (fp32), as the layers' outputs


@dataclass(frozen=True)
class OpCount:
    """ops = per_out x outputs + per_in x inputs + per_window x window x outputs."""

    per_out: int
    per_in: int
    per_window: int
    reason: str


def _rows(names: str, per_out: int, per_in: int, per_window: int, reason: str) -> dict:
    return {n: OpCount(per_out, per_in, per_window, reason) for n in names.split()}


ONE = "one multiply-add, compare, select, divide or round per output element"
SPECIAL = "one special-function evaluation per output element"
REDUCE = ("a reduction of n elements to one takes n - 1 adds or compares: inputs - outputs "
          "(also exact for a two-operand max/min: one compare per output)")
# The op-count rule of every vector op kind (the names of capture/op_kinds.VECTOR_OPS).
OP_COUNTS: dict[str, OpCount] = {
    **_rows("add sub rsub mul div truediv floordiv neg abs relu clamp_min clamp_max maximum "
            "minimum where masked_fill eq ne lt le gt ge logical_not logical_and logical_or "
            "__and__ __or__ __invert__ bitwise_and bitwise_or bitwise_not sign round floor "
            "ceil square iadd imul attention_mask_to_float causal_attention_mask", 1, 0, 0, ONE),
    **_rows("batch_norm", 1, 0, 0, "one multiply-add per element (in eval the per-channel "
            "scale and shift are folded offline)"),
    **_rows("exp log erf tanh sigmoid sqrt rsqrt reciprocal sin cos pow", 1, 0, 0, SPECIAL),
    **_rows("clamp relu6 hardtanh leaky_relu silu", 2, 0, 0,
            "two per output: clamp = max then min; leaky_relu = compare then multiply-select; "
            "silu = sigmoid then multiply"),
    **_rows("hardsigmoid elu softplus", 3, 0, 0,
            "three per output: hardsigmoid = x/6 + 1/2 then max, min; elu = compare, exp, "
            "multiply-add; softplus = exp, add 1, log"),
    **_rows("gelu", 4, 0, 0,
            "four per output: x/sqrt(2), erf, x/2, multiply-add (x/2 + x/2 erf)"),
    **_rows("hardswish mish", 5, 0, 0, "five per output: hardswish = add 3, max, min, "
            "multiply by x, scale by 1/6; mish = softplus (3), tanh, multiply"),
    **_rows("softmax _softmax _safe_softmax log_softmax", 5, 0, 0,
            "five per element: compare for the row max, subtract it, exp, add to the row "
            "sum, scale by its reciprocal (log_softmax: subtract its log); a row of n takes "
            "5n - 1, counted as 5n"),
    **_rows("layer_norm group_norm instance_norm", 5, 0, 0,
            "five per element: add for the mean, subtract it, square-accumulate for the "
            "variance, scale by 1/std, affine multiply-add; a row of n takes 5n + 1 (the "
            "two scales and the rsqrt less two first adds), counted as 5n"),
    **_rows("rms_norm", 3, 0, 0, "three per element: square-accumulate, scale by 1/rms, "
            "multiply by the weight; a row of n takes 3n + 1, counted as 3n"),
    **_rows("rope", 2, 0, 0, "two per element: x cos + rotate_half(x) sin as a multiply "
            "and a multiply-add (the half rotation is address remapping)"),
    **_rows("sum amax amin max min argmax adaptive_max_pool2d", -1, 1, 0, REDUCE),
    **_rows("mean adaptive_avg_pool1d adaptive_avg_pool2d adaptive_avg_pool3d", 0, 1, 0,
            REDUCE + ", plus one scale per output (exact when the windows tile the input)"),
    **_rows("norm", 1, 1, 0, "one square-accumulate per input element, one sqrt per output"),
    **_rows("var", 0, 3, 0, "3n for n inputs: the mean (n - 1 adds, one scale), a subtract "
            "and a square-accumulate per input (2n - 1), one scale"),
    **_rows("std", 1, 3, 0, "var (3n) and one sqrt per output"),
    **_rows("logsumexp", 0, 4, 0, "4n for n inputs: max (n - 1 compares), subtract, exp, "
            "sum (n - 1 adds), log and add the max back"),
    **_rows("cumsum", 1, 0, 0, "one add per output element"),
    **_rows("topk", 0, 1, 0, "one compare per input element (a streaming selection)"),
    **_rows("max_pool1d max_pool2d max_pool3d", -1, 0, 1,
            "window - 1 compares per output (padding positions included)"),
    **_rows("avg_pool1d avg_pool2d avg_pool3d", 0, 0, 1,
            "window - 1 adds and one scale per output (padding positions included)"),
    **_rows("transposed_conv_col2im col2im fold", -1, 1, 0,
            "each column element added into its output: inputs - outputs adds"),
    **_rows("embedding", 0, 0, 0, "a lookup: no arithmetic, it moves the gathered rows"),
}
MOVES = frozenset({"embedding"})  # ops whose cost is the elements they move (like a copy)


def vector_op_count(op: str, in_elements: int, out_elements: int, window: int = 0) -> int:
    """Vector-unit ops of one op by the table (KeyError for an op the table does not have)."""
    c = OP_COUNTS[op]
    return max(0, c.per_out * out_elements + c.per_in * in_elements
               + c.per_window * window * out_elements)


def simulate_vector_op(hw: Accelerator, op: str, in_elements: int, out_elements: int,
                       window: int = 0, copy: bool = False,
                       activation_bits: int = ACTIVATION_BITS, fused: bool = False
                       ) -> JobResult:
    """Counters of one vector op (or, with `copy`, one copying data op) on `hw` (module doc);
    `fused`: applied in an integer job's epilogue, so no traffic of its own."""
    moves = copy or op in MOVES
    ops = 0 if moves else vector_op_count(op, in_elements, out_elements, window)
    read_elems = out_elements if moves else in_elements
    read = 0 if fused else packed_bytes(read_elems, activation_bits)
    write = 0 if fused else packed_bytes(out_elements, activation_bits)
    width = hw.vector_unit.vector_ops_per_cycle
    lane_cycles = math.ceil((out_elements if moves else ops) / width)
    spills = read + write > hw.sram.sram_bytes("ofmap") / 2
    dram_read, dram_write = (read, write) if spills else (0, 0)
    bw = hw.dram.dram_bw_bytes_per_cycle
    dram_cycles = math.ceil((dram_read + dram_write) / bw) if spills and bw else 0
    cycles = max(lane_cycles, dram_cycles)
    sram_read, sram_write = read + dram_write, write + dram_read  # a spill stages through it
    energy = dict.fromkeys(ENERGY_COMPONENTS, 0.0)
    energy["vector"] = ops * hw.vector_unit.vector_energy_pj_per_op
    energy["ofmap_sram"] = (sram_read * hw.sram.energy_pj_per_byte("ofmap", "read")
                            + sram_write * hw.sram.energy_pj_per_byte("ofmap", "write"))
    energy["dram"] = (dram_read * hw.dram.dram_read_energy_pj_per_byte
                      + dram_write * hw.dram.dram_write_energy_pj_per_byte)
    energy["static"] = static_energy_pj(hw, cycles)
    return JobResult(cycles=cycles, stall_cycles=cycles - lane_cycles,
                     vector_cycles=lane_cycles, vector_ops=ops,
                     ofmap_sram_read_bytes=sram_read, ofmap_sram_write_bytes=sram_write,
                     dram_read_bytes=dram_read, dram_write_bytes=dram_write,
                     ifmap_dram_read_bytes=dram_read, ofmap_dram_write_bytes=dram_write,
                     energy_pj=energy)


@dataclass(frozen=True)
class VectorRun:
    """One recorded vector op (or copy) of a run and its counters."""

    name: str
    op: str
    kind: str  # 'vector' or 'data' (a copy)
    in_elements: int
    out_elements: int
    window: int
    result: JobResult
    fused_into: str = ""  # the integer job whose epilogue applied it (no traffic)


def simulate_vector_ops(hw: Accelerator, records, activation_bits: int = ACTIVATION_BITS
                        ) -> list[VectorRun]:
    """Counters of every recorded op (capture/vector_ops.VectorOp: name, op, kind, elements,
    window), in the order given."""
    runs = []
    for r in records:
        fused_into = getattr(r, "fused_into", "")
        runs.append(VectorRun(r.name, r.op, r.kind, r.in_elements, r.out_elements, r.window,
                              simulate_vector_op(hw, r.op, r.in_elements, r.out_elements,
                                                 r.window, r.kind == "data", activation_bits,
                                                 fused=bool(fused_into)), fused_into))
    return runs
