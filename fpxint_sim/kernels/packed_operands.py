"""`PackedB` (weights packed once) and the exact fast-path products on the broadcast kernels.

vpmaddubsw and vpdpbusd multiply unsigned bytes by signed bytes, so A is shifted into [0, 255]
and B into [-128, 127]; the shifts are undone exactly by row/column-sum terms. vpmaddwd takes
int16 operands as they are. docs/accumulators.md gives the exactness argument of every path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numba as nb
import numpy as np

from fpxint_sim.kernels import a_rows, b_panels
from fpxint_sim.kernels import broadcast_gemm as bg
from fpxint_sim.kernels.accumulator import acc_dtype
from fpxint_sim.kernels.threads import set_job_threads

INT16_MAX = 32767
INT16_MIN_ROWS = 16  # from this many rows of 8-bit A, the AVX2 path widens to int16
NIBBLE_B_MAX_ROWS = 8  # up to this many rows, VNNI streams 4-bit B two values per byte


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
    """Right-hand operand packed for the fast kernels plus what the corrections need.

    Pack weights once with `prepack_b` and pass the object to `gemm` for every job that uses
    them (the weight-stationary reuse the engine exploits).
    """

    b: np.ndarray  # the original operand, for the ordered and portable paths
    shift: int  # B' = B - shift
    panels: np.ndarray  # int8 panels of B' (b_panels.pack_b)
    col_sums: np.ndarray  # int64 sum_k B'[k, n]
    max_abs: int  # max |B'|, bounds the int16 lanes of the NIBBLE kind
    value_lo: int
    value_hi: int
    shape: tuple[int, int] = field(init=False)
    _lazy: dict = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "shape", tuple(self.b.shape))

    def int16_panels(self) -> np.ndarray:
        """B (unshifted) as int16 panels for the vpmaddwd kernels, packed on first use."""
        if "int16" not in self._lazy:
            self._lazy["int16"] = b_panels.pack_b_int16(self.b)
        return self._lazy["int16"]

    def nibble_panels(self) -> tuple[np.ndarray, int] | None:
        """(panels, shift): B + shift in [0, 15] two values per byte (b_panels.pack_b_nibbles),
        packed on first use; None when B needs more than 4 bits."""
        if "nibbles" not in self._lazy:
            shift = b_panels.nibble_shift_for(self.value_lo, self.value_hi)
            self._lazy["nibbles"] = None if shift is None else (
                b_panels.pack_b_nibbles(self.b, shift), shift)
        return self._lazy["nibbles"]


def prepack_b(b: np.ndarray) -> PackedB | None:
    """Pack B (K, N) for the fast kernels; None when its values do not fit a byte shift."""
    lo, hi = value_range(b)
    shift = b_shift_for(lo, hi)
    if shift is None:
        return None
    panels = b_panels.pack_b(b, shift)
    col_sums = b.sum(axis=0, dtype=np.int64) - shift * b.shape[0]
    max_abs = max(abs(lo - shift), abs(hi - shift), 1)
    return PackedB(b, shift, panels, col_sums, max_abs, lo, hi)


def vnni_exact_matmul(a: np.ndarray, pb: PackedB, threads: int,
                      acc_bits: int = 64) -> tuple[np.ndarray, int] | None:
    """A @ B on the AVX512-VNNI kernels wrapped to acc_bits and the count of outputs the wrap
    changed, or None when A's values do not fit [0, 255] after a shift.

    vpdpbusd costs the same for any byte values, so int8 / uint8 A take the shift 128 / 0
    without scanning A; wider dtypes are scanned. With at most NIBBLE_B_MAX_ROWS rows, 4-bit
    B and A in [-128, 127], the job streams B's nibble panels (half the bytes).
    """
    if a.shape[0] <= NIBBLE_B_MAX_ROWS:
        res = _nibble_b(bg.VNNI_NIB, a, pb, threads, acc_bits)
        if res is not None:
            return res
    if a.dtype.itemsize == 1:
        a_shift = 128 if a.dtype == np.int8 else 0
        a8, byte_shift = a.view(np.uint8), a_shift
    else:
        a8, byte_shift, a_shift = _bytes_and_shift(a, a_rows.int_range(a))
        if a8 is None:
            return None
    row_sums = np.empty(a.shape[0], dtype=np.int64)
    rows = a_rows.shifted_rows(a8, byte_shift, row_sums)
    return _run(bg.VNNI, rows, (a.shape[1] + 3) // 4, pb.panels, pb.shape, row_sums,
                pb.col_sums, a_shift, pb.shift, threads, acc_bits)


def _nibble_b(kind: int, a: np.ndarray, pb: PackedB, threads: int, acc_bits: int,
              lo_hi: tuple[int, int] | None = None):
    """A @ B with B's nibble panels (VNNI_NIB or AVX2_NIB), or None when B or A does not fit
    (B beyond 4 bits, A beyond s8)."""
    nib = pb.nibble_panels()
    if nib is None:
        return None
    if lo_hi is None and (kind == bg.AVX2_NIB or a.dtype != np.int8):
        lo_hi = a_rows.int_range(a)
    if lo_hi is not None and (lo_hi[0] < -128 or lo_hi[1] > 127):
        return None
    a = a.astype(np.int8, copy=False)
    # AVX2 int16 lanes: each word adds a pair sum of |.| <= 2 * 15 * max|A|
    g_step = None if kind == bg.VNNI_NIB else max(1, min(
        INT16_MAX // (30 * max(1, abs(lo_hi[0]), abs(lo_hi[1]))), bg.KC_GROUPS))
    if g_step is not None and g_step < 32 and a.shape[0] < 4:
        return None  # 8-bit A, 1-3 rows: widening every few words costs more than it saves
    panels, shift = nib
    scratch = np.empty(a.shape[0], dtype=np.int64)
    rows = a_rows.shifted_rows(a.view(np.uint8), 0, scratch)  # s8 bytes, K padded to words
    # sum (B + shift) A = A B + shift rowsum(A): merge_rows adds b_shift * row_sums[i], so
    # b_shift = -shift takes the shift's term away
    sums = a.sum(axis=1, dtype=np.int64)
    return _run(kind, rows, (a.shape[1] + 3) // 4, panels, pb.shape, sums, pb.col_sums, 0,
                -shift, threads, acc_bits, g_step)


def avx2_exact_matmul(a: np.ndarray, pb: PackedB, threads: int,
                      acc_bits: int = 64) -> tuple[np.ndarray, int] | None:
    """A @ B on the AVX2 kernels wrapped to acc_bits and the count of outputs the wrap changed,
    or None when A's values do not fit [0, 255] after a shift.

    4-bit A (A' <= 15) runs the NIBBLE kernels, one multiply per 32 MACs. Wider A runs the
    INT16 kernels (2 multiplies per 32 MACs, like fbgemm's saturating path), or, below
    INT16_MIN_ROWS rows, where streaming B bounds the speed and int16 panels would double its
    bytes, the SXB kernels, which widen the int8 panels in registers.
    """
    lo, hi = a_rows.int_range(a)
    a8, byte_shift, a_shift = _bytes_and_shift(a, (lo, hi))
    if a8 is None:
        return None
    m_rows, k_depth = a.shape
    if m_rows <= NIBBLE_B_MAX_ROWS:
        res = _nibble_b(bg.AVX2_NIB, a, pb, threads, acc_bits, (lo, hi))
        if res is not None:
            return res
    eight_bit = hi + a_shift > 15
    n_groups = (k_depth + 3) // 4
    if eight_bit and m_rows >= INT16_MIN_ROWS:
        zr, zc = np.zeros(m_rows, np.int64), np.zeros(pb.shape[1], np.int64)
        return _run(bg.INT16, a_rows.widened_rows(a, 2), (k_depth + 1) // 2, pb.int16_panels(),
                    pb.shape, zr, zc, 0, 0, threads, acc_bits)
    if eight_bit:  # A (unshifted) times B' = B - shift: the correction is shift * rowsum(A)
        sums = a.sum(axis=1, dtype=np.int64)
        return _run(bg.SXB, a_rows.widened_rows(a, 4), n_groups, pb.panels, pb.shape, sums,
                    pb.col_sums, 0, pb.shift, threads, acc_bits)
    row_sums = np.empty(m_rows, dtype=np.int64)
    shifted = a_rows.shifted_rows(a8, byte_shift, row_sums)
    # each int16 lane adds one pair sum per word: |pair| <= 2 * 15 * max|B'|
    g_step = max(1, min(INT16_MAX // (30 * pb.max_abs), bg.KC_GROUPS))
    return _run(bg.NIBBLE, shifted, n_groups, pb.panels, pb.shape, row_sums, pb.col_sums,
                a_shift, pb.shift, threads, acc_bits, g_step)


def _bytes_and_shift(a: np.ndarray, lo_hi: tuple[int, int]):
    """(bytes, byte_shift, shift) with A' = A + shift in [0, 255] equal to (bytes +
    byte_shift) mod 256, or (None, None, None) if no shift fits A's range. Wider dtypes are
    converted once to bytes already shifted (byte_shift 0)."""
    shift = a_shift_for(*lo_hi)
    if shift is None:
        return None, None, None
    if a.dtype.itemsize == 1:
        return a.view(np.uint8), shift, shift
    return (a.astype(np.int64) + shift).astype(np.uint8), 0, shift


def _run(kind: int, rows: np.ndarray, n_groups: int, panels: np.ndarray, b_shape, row_sums,
         col_sums, a_shift: int, b_shift: int, threads: int, acc_bits: int,
         g_step: int | None = None) -> tuple[np.ndarray, int]:
    """Blocking choices and the call of broadcast_gemm.packed_gemm for one kind."""
    m_rows = rows.shape[0]
    k_depth, n_cols = b_shape
    kc_groups = n_groups if rows.nbytes <= bg.SMALL_A_BYTES else bg.KC_GROUPS
    g_step = max(1, kc_groups) if g_step is None else g_step
    kc_groups = max(g_step, kc_groups - kc_groups % g_step)  # whole steps per K block
    n_panels = b_panels.n_panels_for(n_cols)
    per_thread = -(-n_panels // max(1, threads))
    nc_panels = max(2, min(bg.NC_PANELS, per_thread + per_thread % 2))
    # int64 when K spans several int32 super-chunks: their sum must be exact before the wrap
    several = n_groups > bg.SUPER_GROUPS
    out = np.empty((m_rows, n_cols), dtype=np.int64 if several else acc_dtype(acc_bits))
    changed = 0
    if m_rows and n_cols:
        previous = set_job_threads(max(1, min(threads, nb.config.NUMBA_NUM_THREADS)))
        try:
            changed = bg.packed_gemm(
                kind, bg.panels_per_call(kind), bg.block_rows(kind), bg.a_word_bytes(kind),
                bg.b_word_bytes(kind), rows, panels.view(np.int8), n_groups, kc_groups, g_step,
                nc_panels, row_sums, col_sums, a_shift, b_shift, k_depth, acc_bits, out)
        finally:
            set_job_threads(previous)
    return out.astype(acc_dtype(acc_bits), copy=False), int(changed)
