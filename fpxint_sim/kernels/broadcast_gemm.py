"""Blocked exact GEMM on the broadcast micro-kernels: blocking, threads, epilogue.

Three kinds share this driver (docs/accumulators.md, "Fast paths"):

- VNNI: A' = A + a_shift in [0, 255] (u8) times B' = B - b_shift in [-128, 127] (s8 panels),
  one vpdpbusd per 64 MACs (a 512-bit register) for INT8 and INT4 alike.
- INT16: A and B widened to int16 (no shifts), one vpmaddwd + vpaddd per 16 MACs: exact
  INT8 on AVX2 without the int16 saturation of vpmaddubsw.
- NIBBLE: A' <= 15 (u8) times B' (s8 panels), one vpmaddubsw + vpaddw per 32 MACs, int16
  lanes widened into C every `g_step` words (g_step * 30 * max|B'| <= 32767).
- SXB: A (int16, 4 K per 8-byte word) times B' (s8 panels sign-extended in registers), for few
  rows of 8-bit A on AVX2, where streaming B bounds the speed (sxb_microkernel).
- VNNI_NIB / AVX2_NIB: A (s8) times 4-bit B kept two per byte until it is in registers, for
  few rows: half the bytes of B to stream (nibble_b_microkernel; AVX2 lanes are int16 and
  widened every g_step words, g_step * 30 * max|A| <= 32767).

A B = A'B' + b_shift rowsum(A') - a_shift colsum(B') - K a_shift b_shift, in int64. A C value
summed over a super-chunk of SUPER_GROUPS words has |A'B'| <= 16384 * 130560 < 2**31 (4 u8 x
s8 products per word, or 2 products of |.| <= 255 * 255): exact in int32. Super-chunks add in
int64, then the epilogue adds the corrections and wraps to acc_bits.
"""

# Numba's cache (cache=True) tracks this file only: after editing a micro-kernel module
# (kernel_frame, *_microkernel) or a constant imported here, delete __pycache__/*.nb[ic].
import numba as nb
import numpy as np

from fpxint_sim.kernels.b_panels import NR
from fpxint_sim.kernels.broadcast_microkernel import make_broadcast_microkernel
from fpxint_sim.kernels.cpu_features import host_has_32_vector_registers
from fpxint_sim.kernels.nibble_b_microkernel import NIBBLE_GROUP_BYTES, make_nibble_b_microkernel
from fpxint_sim.kernels.sxb_microkernel import make_sxb_microkernel

VNNI, INT16, NIBBLE, SXB, VNNI_NIB, AVX2_NIB = 0, 1, 2, 3, 4, 5  # kinds
MR = 6  # register-block rows (SXB: SXB_MR)
SXB_MR = 2
# AVX2 blocks: 6 x 32 (24 accumulators) with the 32 registers of AVX-512VL, else 6 x 16 (12
# of 16); VNNI implies AVX-512VL. The choice is fixed per process, like Numba's target.
WIDE = host_has_32_vector_registers()
KC_GROUPS = 256  # words per K block: a 32-column B micro-panel (32 KiB) stays in L1
MC_BLOCKS = 32  # row blocks per L2 block: 192 rows of A (<= 192 KiB) and of the C tile
SMALL_A_BYTES = 1 << 17  # A this small stays in L2: no K blocking, B streams once
NC_PANELS = 16  # at most this many B panels per N block (16 x 16 = 256 columns)
SUPER_GROUPS = 16384  # words per int32 super-chunk (see above)

_AVX2_CB = 4 if WIDE else 2
_v1, _v2, _v3, _v4, _v5, _v6 = (make_broadcast_microkernel(r, 4, "vpdpbusd")
                                for r in range(1, 7))
_w1, _w2, _w3, _w4, _w5, _w6 = (make_broadcast_microkernel(r, _AVX2_CB, "pmaddwd")
                                for r in range(1, 7))
_u1, _u2, _u3, _u4, _u5, _u6 = (make_broadcast_microkernel(r, _AVX2_CB, "pmaddubsw")
                                for r in range(1, 7))
_s1, _s2 = make_sxb_microkernel(1), make_sxb_microkernel(2)
_q1, _q2, _q3, _q4, _q5, _q6 = (make_nibble_b_microkernel(r, 2, "vpdpbusd")
                                for r in range(1, 7))
AVX2_NIB_MR = 4  # 8 (or 16) int16 accumulators, the unpacked B and the nibble mask
_h1, _h2, _h3, _h4 = (make_nibble_b_microkernel(r, _AVX2_CB // 2, "pmaddubsw")
                      for r in range(1, AVX2_NIB_MR + 1))


def panels_per_call(kind: int) -> int:
    """B panels (16 columns each) one micro-kernel call covers."""
    return 1 if kind == SXB else 2 if kind in (VNNI, VNNI_NIB) or WIDE else 1


def full_block_kernel(kind: int):
    """The intrinsic of the kind's full-height register block (for benchmarks of its peak)."""
    return {VNNI: _v6, INT16: _w6, NIBBLE: _u6, SXB: _s2, VNNI_NIB: _q6, AVX2_NIB: _h4}[kind]


def block_rows(kind: int) -> int:
    """Rows of one register block."""
    return SXB_MR if kind == SXB else AVX2_NIB_MR if kind == AVX2_NIB else MR


def a_word_bytes(kind: int) -> int:
    """Bytes of an A row per K-word: 4 (4 u8 or 2 int16), 8 for SXB (4 int16)."""
    return 8 if kind == SXB else 4


def b_word_bytes(kind: int) -> int:
    """Bytes of one panel per K-word: 64 (16 columns of 4 bytes), 32 for nibble panels."""
    return NIBBLE_GROUP_BYTES if kind in (VNNI_NIB, AVX2_NIB) else NR * 4


@nb.njit(cache=True, nogil=True)
def _micro(kind, rows, a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c):
    """Dispatch to the compiled register block (rows = the block's rows or the M tail); add_c
    0 overwrites C (the first call on a tile), 1 adds into it."""
    if kind == VNNI:
        if rows == 6:
            _v6(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 5:
            _v5(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 4:
            _v4(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 3:
            _v3(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 2:
            _v2(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        else:
            _v1(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
    elif kind == VNNI_NIB:
        if rows == 6:
            _q6(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 5:
            _q5(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 4:
            _q4(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 3:
            _q3(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 2:
            _q2(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        else:
            _q1(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
    elif kind == AVX2_NIB:
        if rows == 4:
            _h4(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 3:
            _h3(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 2:
            _h2(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        else:
            _h1(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
    elif kind == SXB:
        if rows == 2:
            _s2(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        else:
            _s1(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
    elif kind == INT16:
        if rows == 6:
            _w6(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 5:
            _w5(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 4:
            _w4(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 3:
            _w3(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        elif rows == 2:
            _w2(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
        else:
            _w1(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
    elif rows == 6:
        _u6(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
    elif rows == 5:
        _u5(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
    elif rows == 4:
        _u4(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
    elif rows == 3:
        _u3(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
    elif rows == 2:
        _u2(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)
    else:
        _u1(a, a_off, lda, b, b_off, b_ps, n, c, c_off, ldc, add_c)


@nb.njit(cache=True, nogil=True)
def merge_rows(c32, width, out, i0, i1, j0, j1, first, last, row_sums, col_sums, a_shift,
               b_shift, const, acc_bits):
    """out[i0:i1, j0:j1] (+)= one int32 super-chunk tile (c32 row r is out row i0 + r, row
    stride width), exactly in int64.

    On the last super-chunk also adds the shift corrections b_shift * rowsum(A') -
    a_shift * colsum(B') - const and wraps to acc_bits; returns how many outputs the wrap
    changed (0 before the last chunk).
    """
    half = np.int64(1) << (min(acc_bits, 63) - 1)
    mask = (half << 1) - 1
    count = np.int64(0)
    w = j1 - j0
    cols = col_sums[j0:j1]
    for i in range(i0, i1):  # slices and range(w): branch-free loops that vectorize
        r = i - i0
        src = c32[r * width:r * width + w]
        dst = out[i, j0:j1]
        if first and last and acc_bits < 64:  # one K chunk: one pass over the row
            ri = b_shift * row_sums[i] - const
            for j in range(w):
                v = np.int64(src[j]) + ri - a_shift * cols[j]
                u = ((v + half) & mask) - half
                count += np.int64(u != v)
                dst[j] = u
            continue
        if first:
            for j in range(w):
                dst[j] = np.int64(src[j])
        else:
            for j in range(w):
                dst[j] += np.int64(src[j])
        if last:
            ri = b_shift * row_sums[i] - const
            if acc_bits < 64:
                for j in range(w):
                    v = dst[j] + ri - a_shift * cols[j]
                    u = ((v + half) & mask) - half
                    count += np.int64(u != v)
                    dst[j] = u
            else:
                for j in range(w):
                    dst[j] += ri - a_shift * cols[j]
    return count



@nb.njit(cache=True, nogil=True)
def _n_block(kind, ppc, mr, a_word, b_word, a_rows, b_pack, n_groups, p0, p1, kc_groups,
             g_step, c32, out, j0, j1, row_sums, col_sums, a_shift, b_shift, const, acc_bits):
    """Columns [j0, j1) (panels [p0, p1)) of out for all rows; returns the wrap count.

    Row blocks go MC_BLOCKS at a time (the L2 block); for each, K blocks of kc_groups words,
    panels (ppc per call), then row blocks, so a K-block B micro-panel is reused from L1 by
    every row block and the A slice from L2 by every panel. Calls cover at most g_step words.
    The int32 tile c32 (MC_BLOCKS * MR rows) is merged into out right after its last K
    block, while it is still in L2.
    """
    m_rows = out.shape[0]
    lda = a_rows.shape[1] * a_rows.itemsize
    width = (p1 - p0) * NR
    b_ps = n_groups * b_word
    n_blk = (m_rows + mr - 1) // mr
    mc_blocks = MC_BLOCKS * MR // mr
    count = np.int64(0)
    for mb0 in range(0, n_blk, mc_blocks):
        mb1 = min(mb0 + mc_blocks, n_blk)
        i0 = mb0 * mr
        i1 = min(mb1 * mr, m_rows)
        for g0 in range(0, n_groups, SUPER_GROUPS):
            g1 = min(g0 + SUPER_GROUPS, n_groups)
            for kc0 in range(g0, g1, kc_groups):
                kc1 = min(kc0 + kc_groups, g1)
                for p in range(p0, p1, ppc):
                    c_col = (p - p0) * NR
                    for blk in range(mb0, mb1):
                        rows = min(mr, m_rows - blk * mr)  # the M tail
                        for s in range(kc0, kc1, g_step):
                            _micro(kind, rows, a_rows, blk * mr * lda + s * a_word, lda,
                                   b_pack, (p * n_groups + s) * b_word, b_ps,
                                   min(g_step, kc1 - s), c32, (blk - mb0) * mr * width + c_col,
                                   width, np.int64(s != g0))
            count += merge_rows(c32, width, out, i0, i1, j0, j1, g0 == 0, g1 == n_groups,
                                row_sums, col_sums, a_shift, b_shift, const, acc_bits)
        if n_groups == 0:  # K == 0: every sum is 0
            for i in range(i0, i1):
                for j in range(j0, j1):
                    out[i, j] = 0
    return count


@nb.njit(cache=True, nogil=True, parallel=True)
def packed_gemm(kind, ppc, mr, a_word, b_word, a_rows, b_pack, n_groups, kc_groups, g_step,
                nc_panels, row_sums, col_sums, a_shift, b_shift, k_depth, acc_bits, out):
    """out (uninitialised) = A B exactly, wrapped to acc_bits; returns how many the wrap changed.

    a_rows: A' rows (`a_rows` module) whose 4-byte words match b_pack's panels (b_panels),
    n_groups words per row. Threads (set_job_threads) split the N blocks of nc_panels panels:
    no shared writes.
    """
    m_rows, n_cols = out.shape
    n_panels = 2 * ((n_cols + 2 * NR - 1) // (2 * NR))
    n_blocks_n = (n_panels + nc_panels - 1) // nc_panels
    changed = np.zeros(n_blocks_n, dtype=np.int64)
    const = np.int64(k_depth) * a_shift * b_shift
    tile_rows = min(m_rows, MC_BLOCKS * MR)
    for jb in nb.prange(n_blocks_n):
        p0 = jb * nc_panels
        p1 = min(p0 + nc_panels, n_panels)
        j0 = p0 * NR
        j1 = min(p1 * NR, n_cols)
        c32 = np.empty(tile_rows * (p1 - p0) * NR, dtype=np.int32)
        changed[jb] = _n_block(kind, ppc, mr, a_word, b_word, a_rows, b_pack, n_groups, p0,
                               p1, kc_groups, g_step, c32, out, j0, j1, row_sums, col_sums,
                               a_shift, b_shift, const, acc_bits)
    return changed.sum()
