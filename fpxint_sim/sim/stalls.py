"""Stall cycles of one job when DRAM bandwidth is limited: a double-buffered, per-fold model.

Each SRAM is split in two halves. While the array computes fold f out of one half, the DRAM
interface (one shared port of B bytes/cycle) fills the other half with what fold f + 1 needs and
drains what fold f - 1 produced. The job's DRAM bytes are spread evenly over its F folds
(D_r read and D_w written in total), so each fold moves d = (D_r + D_w) / F bytes while it
computes for t = cycles_per_fold cycles:

    prologue = ceil(D_r / F / B)            first fold's inputs, nothing to overlap with
    steady   = ceil((F - 1) * max(0, d / B - t))   folds 2..F wait for their data
    epilogue = ceil(D_w / F / B)            last fold's outputs, nothing to overlap with

stall_cycles = prologue + steady + epilogue; unlimited bandwidth (B = None) gives 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Stalls:
    """Cycles the array waits for DRAM, split by phase (all included in stall_cycles)."""

    dram_prologue_cycles: int
    dram_steady_stall_cycles: int
    dram_epilogue_cycles: int

    @property
    def stall_cycles(self) -> int:
        """All cycles lost to DRAM bandwidth."""
        return self.dram_prologue_cycles + self.dram_steady_stall_cycles + self.dram_epilogue_cycles


def dram_stalls(folds: int, cycles_per_fold: int, dram_read_bytes: int, dram_write_bytes: int,
                dram_bw_bytes_per_cycle: float | None) -> Stalls:
    """Stalls of a job of `folds` folds under the double-buffered model (see module doc)."""
    if dram_bw_bytes_per_cycle is None:
        return Stalls(0, 0, 0)
    bw = Fraction(dram_bw_bytes_per_cycle)  # exact rational arithmetic: no rounding surprises
    per_fold_cycles = Fraction(dram_read_bytes + dram_write_bytes, folds) / bw
    steady = (folds - 1) * max(Fraction(0), per_fold_cycles - cycles_per_fold)
    return Stalls(
        dram_prologue_cycles=math.ceil(Fraction(dram_read_bytes, folds) / bw),
        dram_steady_stall_cycles=math.ceil(steady),
        dram_epilogue_cycles=math.ceil(Fraction(dram_write_bytes, folds) / bw),
    )
