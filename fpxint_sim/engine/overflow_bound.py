"""When a bound proves no accumulator of an accelerator can overflow on a run's jobs.

A job (i, j) multiplies two operands of b_w and b_a bits (the PE operand types the one operand
rule gives, hw/operands.py) and sums K products. Every raw operand and every centered term
(raw minus its zero point) lies within 2^b - 1 of zero, so every partial sum, the raw
accumulator and the zero-point corrected one are at most K (2^b_w - 1)(2^b_a - 1) in magnitude,
and an fbgemm int16 pair sum at most 2 (2^b_w - 1)(2^b_a - 1). When that fits the accumulator
(and the int16 pair, where the PEs have one), no wrap or clamp happens: the accelerator computes
exactly the integers of the exact BLAS path, and its overflow events are 0 without running it.
"""

from __future__ import annotations

from collections.abc import Iterable

from fpxint_sim.hw.schema import Accelerator

INT16_MAX = 2**15 - 1


def _span(bits: int) -> int:
    return 2**bits - 1


def may_overflow(works: Iterable, hw: Accelerator) -> bool:
    """False when the bound above proves that no job of `works` (LayerWork) overflows on `hw`;
    True when it cannot (then only the engine knows)."""
    acc_max = 2 ** (hw.arithmetic.accumulator_bits - 1) - 1
    pairs_int16 = hw.arithmetic.pair_saturate_int16
    for work in works:
        for op in work.operands(hw).values():
            product = _span(op.weight.bits) * _span(op.activation.bits)
            if work.gemm.k * product > acc_max or (pairs_int16 and 2 * product > INT16_MAX):
                return True
    return False


def engine_values_key(hw: Accelerator) -> str:
    """What of `hw` the engine's values depend on: the arithmetic section (operand types,
    accumulator width and overflow mode, int16 pairs, MACs per cycle) and the K fold (the
    dataflow and, except output-stationary (one fold of all K), the array rows;
    fpxint_sim/engine/arithmetic.py)."""
    a = hw.arithmetic
    rows = None if hw.array.dataflow == "os" else hw.array.array_rows
    return repr((a.weight_types, a.activation_types, sorted(a.macs_per_pe_per_cycle.items()),
                 a.accumulator_bits, a.accumulator_overflow, a.pair_saturate_int16,
                 hw.array.dataflow == "os", rows))
