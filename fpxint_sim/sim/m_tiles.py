"""Tiling M: how many rows of a long GEMM a weight-stationary array runs at a time.

With ws, M streams through the array in time and K is cut into row folds; the partial sums of
one column fold (M x min(C, N) accumulators) stay in the ofmap buffer between K folds only
when they fit in half of it (the traffic rule, traffic.py). A GEMM with many rows (an LLM's
prefill, M = prompt tokens) would spill every fold's partial sums to DRAM and read them back.
An accelerator cuts M instead into tiles of at most `m_tile_rows` rows, each run as a job of
its own: every tile preloads the stationary tiles again (R cycles per fold) and fetches its
operands as any job does (the filter again per tile), and no partial sum leaves the chip.
`simulate_job` and `run` keep SCALE-Sim's untiled convention (their cycles equal SCALE-Sim's);
the LLM cost path (fpxint_sim/llm/gemm_cost.py) tiles.
"""

from __future__ import annotations

from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.sim.layer_shape import GemmShape
from fpxint_sim.sim.mapping import map_gemm
from fpxint_sim.sim.traffic import resident_elems


def m_tile_rows(hw: Accelerator, shape: GemmShape, macs_per_pe_per_cycle: int = 1) -> int:
    """Rows per M tile: shape.m when nothing would spill (not ws, K in one fold, or the
    partial sums fit), else the most rows whose partial sums fit in half the ofmap buffer
    (at least 1: a single row that does not fit spills as before)."""
    a = hw.array
    mp = map_gemm(shape, a.array_rows, a.array_cols, a.dataflow, macs_per_pe_per_cycle)
    if a.dataflow != "ws" or mp.folds_of("k") == 1:
        return shape.m
    per_row_bits = resident_elems("ofmap", GemmShape(1, shape.k, shape.n), mp, a.array_cols) \
        * hw.arithmetic.accumulator_bits
    fit = int(hw.sram.sram_bytes("ofmap") / 2 * 8 // per_row_bits)
    return min(shape.m, max(1, fit))


def m_tiles(shape: GemmShape, rows: int) -> list[tuple[GemmShape, int]]:
    """(tile shape, how many) covering shape.m in tiles of `rows` rows (the last one shorter)."""
    full, rest = divmod(shape.m, rows)
    tiles = [(GemmShape(rows, shape.k, shape.n), full)]
    return tiles + ([(GemmShape(rest, shape.k, shape.n), 1)] if rest else [])
