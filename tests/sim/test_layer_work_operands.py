"""LayerWork.operands: each pair's PE operands by the operand rule, zero points per side."""

from pathlib import Path

import pytest

from fpxint_sim.hw import load_accelerator
from fpxint_sim.hw.operands import OperandChoice, TermType
from fpxint_sim.sim import GemmShape, LayerWork, simulate_layer_work
from fpxint_sim.sim.epilogue_ops import epilogue_ops_per_pair
from fpxint_sim.sim.layer_work import PairOperands

X86 = Path(__file__).resolve().parents[2] / "hw_configs" / "x86_fbgemm.yaml"
ONE_SIGNED, SIGNED = TermType(4, False, True), TermType(4, True)


def _act_matmul(pairs=((1, 1), (1, 2), (2, 1), (2, 2))) -> LayerWork:
    gemm = GemmShape(8, 16, 8)
    return LayerWork("attn.qk", gemm, pairs, 4, 4,
                     epilogue_ops_per_pair(pairs, gemm.m * gemm.n, gemm.m * gemm.k),
                     kind="act_matmul", w_term_types=(ONE_SIGNED, SIGNED),
                     a_term_types=(ONE_SIGNED, SIGNED))


def test_act_matmul_held_operand_takes_weight_types_and_both_sides_are_corrected():
    hw = load_accelerator(X86)  # weights int8 only, activations uint8 only
    ops = _act_matmul().operands(hw)
    u8, off8, s8 = OperandChoice("uint8"), OperandChoice("uint8", 8), OperandChoice("int8")
    assert ops[(1, 1)] == PairOperands(s8, u8, True, True)  # uint4 zero-extended into int8
    assert ops[(1, 2)] == PairOperands(s8, off8, True, True)
    assert ops[(2, 1)] == PairOperands(s8, u8, False, True)
    assert ops[(2, 2)] == PairOperands(s8, off8, False, True)
    run = simulate_layer_work(hw, _act_matmul())
    outputs = 8 * 8
    assert {p: row["zero_point_correction"] for p, row in run.epilogue_ops.items()} == {
        (1, 1): 2 * outputs, (1, 2): 2 * outputs, (2, 1): outputs, (2, 2): outputs}
    assert run.epilogue_totals()["zero_point_correction"] == 6 * outputs


def test_term_types_that_do_not_cover_the_pairs_are_refused():
    work = _act_matmul()
    short = LayerWork(work.name, work.gemm, work.pairs, 4, 4, work.epilogue_ops,
                      kind="act_matmul", w_term_types=(SIGNED,), a_term_types=(SIGNED,))
    with pytest.raises(ValueError, match="term types given for 1 x 1 terms, pairs use 2 x 2"):
        short.operands(load_accelerator(X86))
