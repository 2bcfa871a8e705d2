"""The accumulator arithmetic of an accelerator's PEs for one job (docs/engine.md).

Width, overflow mode and the fbgemm pair model come from the `arithmetic` section. The K fold
size `k_tile`, which fixes the order of saturating additions, follows the dataflow
(fpxint_sim/sim/mapping.py): ws and is map K along the array rows, a PE taking p consecutive k
per cycle, so a fold spans array_rows * p values of k and the partial sums of the folds are
spilled and re-added; os keeps K in time inside one PE, one fold of all K (k_tile None).
With pair_saturate_int16 a fold is rounded up to an even K (a pair never straddles folds).
"""

from __future__ import annotations

from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.kernels import AccumulatorSpec


def k_tile_for(hw: Accelerator, weight_type: str, activation_type: str) -> int | None:
    """K fold size of the array for this pair of PE operand types (None: one fold of all K)."""
    if hw.array.dataflow == "os":
        return None
    tile = hw.array.array_rows * hw.arithmetic.macs_per_cycle(weight_type, activation_type)
    if hw.arithmetic.pair_saturate_int16 and tile % 2:
        tile += 1
    return tile


def accumulator_spec(hw: Accelerator, weight_type: str, activation_type: str) -> AccumulatorSpec:
    """The kernels' AccumulatorSpec for jobs with these PE operand types (hw/operands.py)."""
    a = hw.arithmetic
    return AccumulatorSpec(a.accumulator_bits, a.accumulator_overflow, a.pair_saturate_int16,
                           k_tile_for(hw, weight_type, activation_type))
