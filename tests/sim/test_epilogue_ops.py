"""Epilogue (vector-unit) op counts per (i, j) job, by hand; per-pair ops reach the schedule."""

import pytest

from fpxint_sim.hw import default_hw_config_path, load_accelerator
from fpxint_sim.hw.operands import OperandChoice, TermType
from fpxint_sim.sim import (
    GemmShape,
    LayerWork,
    epilogue_ops_per_pair,
    kept_pairs,
    schedule_layer_jobs,
    simulate_job,
    simulate_layer_work,
)
from fpxint_sim.sim.epilogue_ops import with_zero_point_ops
from fpxint_sim.sim.layer_work import PairOperands


def test_ops_by_hand_for_two_by_two_jobs():
    # 6 outputs per job, 10 input elements, first activation term with a zero point, clip, bias
    pairs = kept_pairs(2, 2)
    no_zp = epilogue_ops_per_pair(pairs, outputs=6, input_elems=10)
    assert all(row["zero_point_correction"] == 0 for row in no_zp.values())
    u8, s8 = OperandChoice("uint8"), OperandChoice("int8")
    operands = {(i, j): PairOperands(s8, u8, False, j == 1) for i, j in pairs}
    ops = with_zero_point_ops(no_zp, operands, outputs=6)
    assert ops[(1, 1)] == {"scale_multiply_add": 6, "weight_scale": 6,
                           "zero_point_correction": 6, "activation_clip": 20,
                           "activation_expansion": 40, "bias": 6}
    assert ops[(1, 2)] == {"scale_multiply_add": 6, "weight_scale": 0,
                           "zero_point_correction": 0, "activation_clip": 0,
                           "activation_expansion": 40, "bias": 0}
    assert ops[(2, 1)]["weight_scale"] == 6 and ops[(2, 1)]["activation_expansion"] == 0
    assert ops[(2, 1)]["zero_point_correction"] == 6
    assert sum(sum(r.values()) for r in ops.values()) == 4 * 6 + 2 * 6 + 2 * 6 + 20 + 80 + 6


def test_per_pair_ops_are_summed_into_the_fused_jobs():
    hw = load_accelerator(default_hw_config_path())
    shape, pairs = GemmShape(64, 96, 32), kept_pairs(2, 2)
    ops = {p: 100 * p[0] + p[1] for p in pairs}
    s = schedule_layer_jobs(hw, shape, pairs, 4, 4, ops)
    for order in s.orders.values():
        assert order.vector_ops == sum(ops.values())
    assert s.naive.cycles == sum(simulate_job(hw, shape, 4, 4, ops[p]).cycles for p in pairs)


def test_a_grouped_layer_costs_its_groups_one_after_another():
    hw = load_accelerator(default_hw_config_path())
    terms = {"w_term_types": (TermType(4, True),),
             "a_term_types": (TermType(4, False, True), TermType(4, True))}
    one = LayerWork("g", GemmShape(16, 9, 1), tuple(kept_pairs(1, 2)), 4, 4, groups=1, **terms)
    many = LayerWork("g", GemmShape(16, 9, 1), tuple(kept_pairs(1, 2)), 4, 4, groups=32,
                     **terms)
    a, b = simulate_layer_work(hw, one), simulate_layer_work(hw, many)
    assert b.chosen.cycles == 32 * a.chosen.cycles and b.chosen.macs == 32 * a.chosen.macs
    assert b.chosen.energy_total_pj == pytest.approx(32 * a.chosen.energy_total_pj, rel=1e-12)
