"""What the performance model needs to know about one expanded layer: `LayerWork`.

The input record between the functional side and the cost model. It is filled either from a
topology file (term counts and term types from the run's stated assumptions) or from a real run
of an expanded model (term counts and types measured, fpxint_sim/workload/model_work.py).
`overflow_events` is None until the bit-exact engine (fpxint_sim/engine) reports the accumulator
overflows of the actual computation; the model path then fills it per layer, and the report
shows it (null = not measured).

The terms are recorded as the expansion made them (TermType: width, signedness, nonzero zero
point), not as one accelerator's operands, because one LayerWork is costed on many accelerators
(a sweep). `operands(hw)` turns them into each job's PE operands by the one operand rule
(fpxint_sim/hw/operands.py), the rule the engine feeds the PEs by.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fpxint_sim.hw.operands import (
    OperandChoice,
    TermType,
    activation_operand,
    stationary_rule,
    zero_point_corrected,
)
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.sim.layer_shape import GemmShape


@dataclass(frozen=True)
class PairOperands:
    """The PE operands of one (i, j) job and the sides whose zero point the epilogue corrects."""

    weight: OperandChoice
    activation: OperandChoice
    weight_zero_point: bool = False  # act x act: the held operand's term has a zero point
    activation_zero_point: bool = False


@dataclass(frozen=True)
class LayerWork:
    """One layer's integer jobs: the GEMM of one (i, j) job, its pairs, terms and epilogue.

    gemm: the GEMM of one job, for one group (a grouped conv repeats it `groups` times).
    pairs: the (weight term i, activation term j) jobs run, 1-based.
    epilogue_ops: per pair, vector-unit ops by kind (fpxint_sim/sim/epilogue_ops.py), per group,
        without the zero-point corrections (they depend on the accelerator's operand types and
        are added when the layer is costed).
    w_term_types / a_term_types: per term i / j, the term as expanded (kind 'act_matmul': the
        weight side is the held operand b, expanded at run time like the activations).
    a_terms: activation terms expanded for this layer (measured on a model run).
    kind: 'conv', 'linear', 'act_matmul' or 'gemm' (a topology GEMM row).
    """

    name: str
    gemm: GemmShape
    pairs: tuple[tuple[int, int], ...]
    w_bits: int
    a_bits: int
    epilogue_ops: Mapping[tuple[int, int], Mapping[str, int]] = field(default_factory=dict)
    overflow_events: int | None = None
    groups: int = 1
    w_terms: int = 0
    a_terms: int = 0
    kind: str = "gemm"
    w_term_types: tuple[TermType, ...] = ()
    a_term_types: tuple[TermType, ...] = ()

    def operands(self, hw: Accelerator) -> dict[tuple[int, int], PairOperands]:
        """Each pair's PE operands on `hw` (the one operand rule), or InputError naming the
        layer; ValueError if the term types do not cover the pairs."""
        need_w = max((i for i, _ in self.pairs), default=0)
        need_a = max((j for _, j in self.pairs), default=0)
        if need_w > len(self.w_term_types) or need_a > len(self.a_term_types):
            raise ValueError(f"layer {self.name}: term types given for {len(self.w_term_types)} "
                             f"x {len(self.a_term_types)} terms, pairs use {need_w} x {need_a}")
        rule = stationary_rule(self.kind)
        w = [rule(hw, self.name, t.bits, t.signed) for t in self.w_term_types]
        a = [activation_operand(hw, self.name, t.bits, t.signed) for t in self.a_term_types]
        return {(i, j): PairOperands(w[i - 1], a[j - 1],
                                     zero_point_corrected(self.w_term_types[i - 1], w[i - 1]),
                                     zero_point_corrected(self.a_term_types[j - 1], a[j - 1]))
                for i, j in self.pairs}
