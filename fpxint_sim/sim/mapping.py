"""Map one GEMM job onto an R x C systolic array: folds and compute cycles, for ws, os and is.

One function for the three dataflows: a dataflow only says which GEMM dimension goes along the
array rows, which along the columns, and which streams in time (SCALE-Sim's Sr, Sc, T):

    os: rows = M, cols = N, time = K      (outputs stay in the PEs)
    ws: rows = K, cols = N, time = M      (weights stay in the PEs)
    is: rows = K, cols = M, time = N      (inputs stay in the PEs)

A PE doing p MACs per cycle (Bit Fusion: an INT8 PE does 4 INT4 MACs) consumes p consecutive
elements of the reduction dimension K at once, so K is replaced by ceil(K / p) wherever it is
mapped (rows for ws/is, time for os). The formulas are derived in docs/performance_model.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fpxint_sim.sim.layer_shape import GemmShape

# dataflow -> (GEMM dim along array rows, along array cols, streamed in time)
DATAFLOW_DIMS = {"os": ("m", "n", "k"), "ws": ("k", "n", "m"), "is": ("k", "m", "n")}


@dataclass(frozen=True)
class Mapping:
    """How a GEMM job folds onto the array and how many cycles its computation takes."""

    dataflow: str
    row_dim: str
    col_dim: str
    time_dim: str
    spatial_rows: int  # Sr: extent mapped along the rows (K counted in PE steps of p MACs)
    spatial_cols: int  # Sc
    temporal: int  # T
    row_folds: int
    col_folds: int
    cycles_per_fold: int
    compute_cycles: int

    @property
    def folds(self) -> int:
        """Array passes of the job (row folds x column folds)."""
        return self.row_folds * self.col_folds

    def folds_of(self, dim: str) -> int:
        """How many folds the GEMM dimension `dim` ('m', 'k' or 'n') is cut into (1 if in time)."""
        if dim == self.row_dim:
            return self.row_folds
        if dim == self.col_dim:
            return self.col_folds
        return 1


def map_gemm(shape: GemmShape, array_rows: int, array_cols: int, dataflow: str,
             macs_per_pe_per_cycle: int = 1) -> Mapping:
    """Fold `shape` onto an array_rows x array_cols array with the given dataflow.

    Per fold: T + R + C - 2 cycles to stream T steps through the skewed array and drain the
    last result, plus R cycles to preload the stationary operand for ws and is. The job takes
    folds * cycles_per_fold - 1 cycles: SCALE-Sim 3.0.0 reports the 0-based index of the cycle
    that writes the last output, and we keep its convention so the numbers match exactly.
    """
    if dataflow not in DATAFLOW_DIMS:
        raise ValueError(f"dataflow must be one of ws, os, is, not {dataflow!r}")
    if min(array_rows, array_cols, macs_per_pe_per_cycle) < 1:
        raise ValueError("array size and MACs per PE per cycle must be >= 1")
    extent = {"m": shape.m, "k": math.ceil(shape.k / macs_per_pe_per_cycle), "n": shape.n}
    row_dim, col_dim, time_dim = DATAFLOW_DIMS[dataflow]
    sr, sc, t = extent[row_dim], extent[col_dim], extent[time_dim]
    row_folds = math.ceil(sr / array_rows)
    col_folds = math.ceil(sc / array_cols)
    preload = array_rows if dataflow in ("ws", "is") else 0
    cycles_per_fold = preload + t + array_rows + array_cols - 2
    return Mapping(
        dataflow=dataflow, row_dim=row_dim, col_dim=col_dim, time_dim=time_dim,
        spatial_rows=sr, spatial_cols=sc, temporal=t,
        row_folds=row_folds, col_folds=col_folds, cycles_per_fold=cycles_per_fold,
        compute_cycles=row_folds * col_folds * cycles_per_fold - 1,
    )
