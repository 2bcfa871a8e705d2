"""Operand shifts and packing for the AVX2 and VNNI paths, and `PackedB`: weights packed once.

vpmaddubsw and vpdpbusd multiply unsigned bytes by signed bytes, so A is shifted into [0, 255]
and B into [-128, 127]; the shifts are undone exactly by row/column-sum terms
(docs/accumulators.md). Both paths share the B panels; A is packed per call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fpxint_sim.kernels import avx2_gemm, vnni_gemm
from fpxint_sim.kernels.cpu_features import host_has_32_vector_registers

INT16_MAX = 32767


def value_range(x: np.ndarray) -> tuple[int, int]:
    """(min, max) of an integer array; (0, 0) when empty."""
    if x.size == 0:
        return 0, 0
    return int(x.min()), int(x.max())


def a_shift_for(lo: int, hi: int) -> int | None:
    """Shift that puts A into [0, 255] (0, 8 for int4, 128 for int8), or None if impossible."""
    for shift in (0, 8, 128):
        if lo + shift >= 0 and hi + shift <= 255:
            return shift
    return None


def b_shift_for(lo: int, hi: int) -> int | None:
    """Shift subtracted from B to put it into [-128, 127] (0 or 128), or None if impossible."""
    for shift in (0, 128):
        if lo - shift >= -128 and hi - shift <= 127:
            return shift
    return None


@dataclass(frozen=True)
class PackedB:
    """Right-hand operand packed for the AVX2 / VNNI kernels plus what the corrections need.

    Pack weights once with `prepack_b` and pass the object to `gemm` for every job that uses
    them (the weight-stationary reuse the engine exploits).
    """

    b: np.ndarray  # the original operand, for the ordered and portable paths
    shift: int  # B' = B - shift
    panels: np.ndarray  # int8 panels, avx2_gemm.pack_b layout
    col_sums: np.ndarray  # int64 sum_k B'[k, n]
    max_abs: int  # max |B'|, bounds the int16 lanes
    value_lo: int
    value_hi: int
    shape: tuple[int, int] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "shape", tuple(self.b.shape))


def prepack_b(b: np.ndarray) -> PackedB | None:
    """Pack B (K, N) for the AVX2 / VNNI kernels; None when its values do not fit a byte shift."""
    lo, hi = value_range(b)
    shift = b_shift_for(lo, hi)
    if shift is None:
        return None
    panels = avx2_gemm.pack_b(b, shift)
    col_sums = b.sum(axis=0, dtype=np.int64) - shift * b.shape[0]
    max_abs = max(abs(lo - shift), abs(hi - shift), 1)
    return PackedB(b, shift, panels, col_sums, max_abs, lo, hi)


def avx2_exact_matmul(a: np.ndarray, pb: PackedB, threads: int,
                      acc_bits: int = 64) -> tuple[np.ndarray, int] | None:
    """A @ B on the AVX2 kernels wrapped to acc_bits and the count of outputs the wrap changed,
    or None when A's values do not fit [0, 255] after a shift."""
    lo, hi = avx2_gemm.int_range(a)
    a_shift = a_shift_for(lo, hi)
    if a_shift is None:
        return None
    m_rows, k_depth = a.shape
    n_cols = pb.shape[1]
    parts = 1 if hi + a_shift <= 15 else 2
    mr = avx2_gemm.MR_BY_PARTS[parts]
    n_main = m_rows // mr
    n_tail = m_rows - n_main * mr
    row_sums = np.empty(m_rows, dtype=np.int64)
    a_main = avx2_gemm.pack_a(a, a_shift, parts, mr, 0, n_main * mr, row_sums)
    a_tail = avx2_gemm.pack_a(a, a_shift, parts, 1, n_main * mr, n_tail, row_sums)
    # each int16 lane adds one pair sum per K-group: |pair| <= 2 * 15 * max|B'|
    g_flush = max(1, min(INT16_MAX // (30 * pb.max_abs), avx2_gemm.KC_GROUPS))
    n_groups = (k_depth + 3) // 4
    kc_groups = n_groups if a_main.size + a_tail.size <= avx2_gemm.SMALL_A_BYTES \
        else avx2_gemm.KC_GROUPS
    kc_groups = max(g_flush, kc_groups - kc_groups % g_flush)
    n_panels = pb.panels.size // max(1, n_groups * avx2_gemm.NR * 4)
    per_thread = -(-n_panels // max(1, threads))
    nc_panels = max(2, min(avx2_gemm.NC_PANELS, per_thread + per_thread % 2))
    out = np.empty((m_rows, n_cols), dtype=np.int64)
    changed = 0
    if m_rows and n_cols:
        changed = avx2_gemm.packed_gemm(
            a_main, a_tail, n_main, n_tail, mr, parts, host_has_32_vector_registers(),
            pb.panels, n_groups, g_flush, kc_groups, nc_panels, row_sums, pb.col_sums,
            a_shift, pb.shift, k_depth, acc_bits, out)
    return out, int(changed)


def vnni_exact_matmul(a: np.ndarray, pb: PackedB, threads: int,
                      acc_bits: int = 64) -> tuple[np.ndarray, int] | None:
    """A @ B on the AVX512-VNNI kernels wrapped to acc_bits and the count of outputs the wrap
    changed, or None when A's values do not fit [0, 255] after a shift.

    vpdpbusd costs the same for any byte values, so int8 / uint8 A take the shift 128 / 0
    without scanning A; wider dtypes are scanned and shifted when their values allow.
    """
    if a.dtype.itemsize == 1:
        a_shift = 128 if a.dtype == np.int8 else 0
    else:
        a_shift = a_shift_for(*avx2_gemm.int_range(a))
        if a_shift is None:
            return None
    m_rows, k_depth = a.shape
    n_cols = pb.shape[1]
    mr = vnni_gemm.MR
    n_main = m_rows // mr
    n_tail = m_rows - n_main * mr
    row_sums = np.empty(m_rows, dtype=np.int64)
    if a.dtype.itemsize == 1:
        a8, shift8 = a.view(np.uint8), a_shift
    else:  # wider storage of byte-range values: shift once here
        a8, shift8 = (a.astype(np.int64) + a_shift).astype(np.uint8), 0
    a_main = vnni_gemm.pack_a(a8, shift8, mr, 0, n_main * mr, row_sums)
    a_tail = vnni_gemm.pack_a(a8, shift8, max(n_tail, 1), n_main * mr, n_tail, row_sums)
    n_groups = (k_depth + 3) // 4
    kc_groups = n_groups if a_main.size + a_tail.size <= vnni_gemm.SMALL_A_BYTES \
        else vnni_gemm.KC_GROUPS
    n_panels = pb.panels.size // max(1, n_groups * avx2_gemm.NR * 4)
    per_thread = -(-n_panels // max(1, threads))
    nc_panels = max(2, min(avx2_gemm.NC_PANELS, per_thread + per_thread % 2))
    out = np.empty((m_rows, n_cols), dtype=np.int64)
    changed = 0
    if m_rows and n_cols:
        changed = vnni_gemm.packed_gemm(
            a_main, a_tail, n_main, n_tail, pb.panels, n_groups, max(1, kc_groups), nc_panels,
            row_sums, pb.col_sums, a_shift, pb.shift, k_depth, acc_bits, out)
    return out, int(changed)
