"""Bytes moved by one GEMM job: array <-> SRAM reads/writes and SRAM <-> DRAM, given buffer sizes.

One rule for every operand and dataflow (docs/performance_model.md, "Traffic"). Each operand
lacks one GEMM dimension (ifmap M x K lacks N, filter K x N lacks M, ofmap M x N lacks K):

* SRAM -> array: an input operand is read again for every fold of its missing dimension.
  The ofmap lacks K: with K cut into f folds, partial sums are written f times and read back
  f - 1 times at accumulator width.
* DRAM -> SRAM: folds run column-fold outer, row-fold inner (SCALE-Sim's order). A re-read is
  served from SRAM if what must stay resident between two uses fits in half the buffer (the
  other half is the double buffer's prefetch side); otherwise every re-read goes to DRAM.
  Missing dim along rows (inner loop): the resident part is one column fold's slice of the
  operand. Missing dim along columns (outer loop): the whole operand. Missing dim in time: it is
  read once. The same rule decides whether ofmap partial sums spill to DRAM.
INT4 packs two per byte: bytes = ceil(elements * bits / 8).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fpxint_sim.sim.layer_shape import GemmShape
from fpxint_sim.sim.mapping import Mapping

OPERAND_DIMS = {"ifmap": ("m", "k"), "filter": ("k", "n"), "ofmap": ("m", "n")}


def packed_bytes(elements: int, bits: int) -> int:
    """Bytes of `elements` values of `bits` bits packed densely (two INT4 per byte)."""
    return math.ceil(elements * bits / 8)


@dataclass(frozen=True)
class Traffic:
    """Bytes per buffer and DRAM for one job (reads/writes as seen by each memory)."""

    ifmap_sram_read_bytes: int
    ifmap_sram_write_bytes: int
    filter_sram_read_bytes: int
    filter_sram_write_bytes: int
    ofmap_sram_read_bytes: int
    ofmap_sram_write_bytes: int
    ifmap_dram_read_bytes: int
    filter_dram_read_bytes: int
    ofmap_dram_read_bytes: int
    ofmap_dram_write_bytes: int

    @property
    def dram_read_bytes(self) -> int:
        """All DRAM reads: ifmap and filter fills plus spilled partial sums read back."""
        return self.ifmap_dram_read_bytes + self.filter_dram_read_bytes + self.ofmap_dram_read_bytes

    @property
    def dram_write_bytes(self) -> int:
        """All DRAM writes: outputs and spilled partial sums."""
        return self.ofmap_dram_write_bytes


def _missing_dim(operand: str) -> str:
    return ({"m", "k", "n"} - set(OPERAND_DIMS[operand])).pop()


def resident_elems(operand: str, shape: GemmShape, mp: Mapping, array_cols: int) -> int:
    """Elements that must stay in SRAM between two reuses of the operand (see module doc)."""
    dims = OPERAND_DIMS[operand]
    extent = {"m": shape.m, "k": shape.k, "n": shape.n}
    if operand == "ifmap":
        extent["k"] = shape.ifmap_unique_elems / shape.m  # conv: distinct elements, not im2col
    if _missing_dim(operand) == mp.row_dim and mp.col_dim in dims:
        extent[mp.col_dim] = min(array_cols, extent[mp.col_dim])  # one column fold's slice
    return math.ceil(math.prod(extent[d] for d in dims))


def _dram_passes(operand: str, shape: GemmShape, mp: Mapping, bits: int,
                 buffer_bytes: float, array_cols: int) -> int:
    """How many times the operand crosses the DRAM interface: 1, or the folds of its missing dim."""
    refolds = mp.folds_of(_missing_dim(operand))
    if refolds == 1:
        return 1
    resident = packed_bytes(resident_elems(operand, shape, mp, array_cols), bits)
    return 1 if resident <= buffer_bytes / 2 else refolds


def job_traffic(shape: GemmShape, mp: Mapping, array_cols: int, weight_bits: int,
                activation_bits: int, accumulator_bits: int, output_bits: int,
                ifmap_sram_bytes: float, filter_sram_bytes: float,
                ofmap_sram_bytes: float) -> Traffic:
    """Traffic of one job mapped as `mp`; outputs leave for DRAM at `output_bits` each."""
    ifmap_reads = shape.m * shape.k * mp.folds_of("n")
    filter_reads = shape.k * shape.n * mp.folds_of("m")
    outputs = shape.m * shape.n
    k_folds = mp.folds_of("k")
    ifmap_dram = packed_bytes(shape.ifmap_unique_elems, activation_bits) * _dram_passes(
        "ifmap", shape, mp, activation_bits, ifmap_sram_bytes, array_cols)
    filter_dram = packed_bytes(shape.k * shape.n, weight_bits) * _dram_passes(
        "filter", shape, mp, weight_bits, filter_sram_bytes, array_cols)
    spills = _dram_passes("ofmap", shape, mp, accumulator_bits, ofmap_sram_bytes, array_cols) > 1
    partial_bytes = packed_bytes(outputs, accumulator_bits)
    ofmap_dram_read = partial_bytes * (k_folds - 1) if spills else 0
    ofmap_dram_write = (partial_bytes * (k_folds - 1) if spills else 0) + packed_bytes(
        outputs, output_bits)
    return Traffic(
        ifmap_sram_read_bytes=packed_bytes(ifmap_reads, activation_bits),
        ifmap_sram_write_bytes=ifmap_dram,
        filter_sram_read_bytes=packed_bytes(filter_reads, weight_bits),
        filter_sram_write_bytes=filter_dram,
        ofmap_sram_read_bytes=partial_bytes * (k_folds - 1) + ofmap_dram_write,
        ofmap_sram_write_bytes=partial_bytes * k_folds + ofmap_dram_read,
        ifmap_dram_read_bytes=ifmap_dram,
        filter_dram_read_bytes=filter_dram,
        ofmap_dram_read_bytes=ofmap_dram_read,
        ofmap_dram_write_bytes=ofmap_dram_write,
    )
