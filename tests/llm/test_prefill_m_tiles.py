"""A prefill GEMM (M = prompt tokens) whose partial sums would spill runs M in tiles: cycles
and bytes derived by hand."""

import dataclasses

from llm_hw_fixtures import tiny_hw

from fpxint_sim.hw.schema import SramSpec
from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.gemm_cost import Arithmetic, cost_gemm
from fpxint_sim.sim.layer_shape import GemmShape
from fpxint_sim.sim.m_tiles import m_tile_rows

SHAPE = GemmShape(20, 8, 8)  # 20 prompt tokens, K = 8, N = 8


def _hw(ofmap_kib: float):
    return dataclasses.replace(tiny_hw(bw=None), sram=SramSpec(64, 64, ofmap_kib, 1.0, 1.0))


def _cost(hw):
    return cost_gemm(hw, "q", SHAPE, parse_format("int4", "w"), Arithmetic("w4a16"))


def test_prefill_gemm_is_cut_into_m_tiles_whose_partial_sums_fit():
    # 4x4 ws array, INT4 x FP16 at 1 MAC/PE: K = 8 -> 2 row folds, N = 8 -> 2 column folds.
    # Partial sums of one column fold: M x min(4, 8) x 32 bits = 16 B per row; half of a
    # 256 B ofmap buffer holds 8 rows. Untiled, M = 20 needs 320 B: it would spill.
    hw = _hw(0.25)
    assert m_tile_rows(hw, SHAPE) == 8
    r = _cost(hw).result
    # tiles 8, 8, 4; per tile 4 folds x (4 preload + m + 4 + 4 - 2) - 1
    assert r.compute_cycles == 2 * (4 * (4 + 8 + 4 + 4 - 2) - 1) + (4 * (4 + 4 + 4 + 4 - 2) - 1)
    assert r.compute_cycles == 197 and r.cycles == 197  # unlimited bandwidth: no stall
    assert r.ofmap_dram_read_bytes == 0  # no partial sum left the chip
    assert r.filter_dram_read_bytes == 3 * 64 // 2  # the INT4 filter fetched once per tile
    assert r.ifmap_dram_read_bytes == 20 * 8 * 2  # each fp16 activation row once
    assert r.ofmap_dram_write_bytes == 20 * 8 * 2  # fp16 outputs written once
    assert r.macs == 20 * 8 * 8


def test_a_gemm_whose_partial_sums_fit_is_not_tiled():
    hw = _hw(64)
    assert m_tile_rows(hw, SHAPE) == 20
    r = _cost(hw).result
    assert r.compute_cycles == 4 * (4 + 20 + 4 + 4 - 2) - 1 == 119
    assert r.filter_dram_read_bytes == 32 and r.ofmap_dram_read_bytes == 0
