"""Blocked exact GEMM on the AVX512-VNNI micro-kernels (vpdpbusd): blocking, threads, epilogue.

Computes A B = A'B' + corrections for A' = A + a_shift in [0, 255] (u8, no nibble split) and
B' = B - b_shift in [-128, 127] (s8), the same shifts and packed B panels as the AVX2 path.
vpdpbusd adds u8 x s8 products four at a time straight into int32 lanes, so INT8 and INT4
run the same code at one instruction per 32 MACs. A'B' is exact in int32 per K super-chunk
of 65536 (65536 * 255 * 128 < 2**31), super-chunks add in int64, then the epilogue adds the
shift corrections and wraps to acc_bits. Proof: docs/accumulators.md, "VNNI fast path".
"""

import numba as nb
import numpy as np

from fpxint_sim.kernels.avx2_gemm import NR, SUPER_GROUPS, merge_chunk
from fpxint_sim.kernels.vnni_microkernel import make_vnni_microkernel

MR = 6  # register-block rows: 6 x 32 int32 = 24 ymm accumulators
KC_GROUPS = 128  # K-groups per cache block: a 2-panel B micro-panel (16 KiB) stays in L1
MC_BLOCKS = 32  # row blocks per L2 block: 192 rows of A (96 KiB) and C (192 KiB)
SMALL_A_BYTES = 1 << 17  # packed A this small stays in L2: no K blocking, B streams once

_v1 = make_vnni_microkernel(1)
_v2 = make_vnni_microkernel(2)
_v3 = make_vnni_microkernel(3)
_v4 = make_vnni_microkernel(4)
_v5 = make_vnni_microkernel(5)
_v6 = make_vnni_microkernel(6)


@nb.njit(cache=True, nogil=True)
def pack_a(a8, shift, mr, row0, n_rows, row_sums):
    """A' rows [row0, row0 + n_rows) as u8 [block][group][row][4] (K zero-padded); row sums.

    a8 holds A's bytes (int8/uint8 viewed as uint8, or values already in [0, 255]); the byte
    A' = (a8 + shift) mod 256 equals A + shift because A + shift is in [0, 255].
    """
    k_depth = a8.shape[1]
    n_groups = (k_depth + 3) // 4
    n_blocks = n_rows // mr
    out = np.zeros(n_blocks * n_groups * mr, dtype=np.uint32)
    buf = np.zeros(n_groups * 4, dtype=np.uint8)  # one shifted row; the K padding stays 0
    words = buf.view(np.uint32)
    for blk in range(n_blocks):
        base = blk * n_groups * mr
        for r in range(mr):
            i = row0 + blk * mr + r
            src = a8[i]
            s = np.int64(0)
            for k in range(k_depth):
                v = np.uint8(src[k] + shift)
                buf[k] = v
                s += np.int64(v)
            row_sums[i] = s
            for g in range(n_groups):
                out[base + g * mr + r] = words[g]
    return out.view(np.uint8)


@nb.njit(cache=True, nogil=True)
def _micro(rows, a, a_off, b, b_off, b_ps, n, c, c_off, ldc):
    """Dispatch to the compiled rows x 32 register block (rows = MR, or the M tail 1..5)."""
    if rows == 6:
        _v6(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
    elif rows == 5:
        _v5(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
    elif rows == 4:
        _v4(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
    elif rows == 3:
        _v3(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
    elif rows == 2:
        _v2(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
    else:
        _v1(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)


@nb.njit(cache=True, nogil=True)
def _run_block(a_main, a_tail, n_main, n_tail, b_pack, n_groups, g0, g1, p0, p1, kc_groups,
               c32, ldc):
    """All row blocks x panel pairs [p0, p1) over K-groups [g0, g1), adding into c32.

    Per K block and MC_BLOCKS row blocks: panel pair outer, row blocks inner, so the B
    micro-panel (kc x 32) is reused from L1 by every row block while the A slice and the
    C rows of the MC block stay in L2.
    """
    b_ps = n_groups * NR * 4
    n_blk = n_main + (1 if n_tail > 0 else 0)
    for kc0 in range(g0, g1, kc_groups):
        n = min(kc0 + kc_groups, g1) - kc0
        for mb0 in range(0, n_blk, MC_BLOCKS):
            mb1 = min(mb0 + MC_BLOCKS, n_blk)
            for p in range(p0, p1, 2):
                b_off = (p * n_groups + kc0) * NR * 4
                c_col = (p - p0) * NR
                for blk in range(mb0, mb1):
                    if blk < n_main:
                        _micro(MR, a_main, (blk * n_groups + kc0) * MR * 4, b_pack, b_off,
                               b_ps, n, c32, blk * MR * ldc + c_col, ldc)
                    else:
                        _micro(n_tail, a_tail, kc0 * n_tail * 4, b_pack, b_off, b_ps, n, c32,
                               n_main * MR * ldc + c_col, ldc)


@nb.njit(cache=True, nogil=True, parallel=True)
def packed_gemm(a_main, a_tail, n_main, n_tail, b_pack, n_groups, kc_groups, nc_panels,
                row_sums, col_sums, a_shift, b_shift, k_depth, acc_bits, out):
    """out (uninitialised) = A B exactly, wrapped to acc_bits; returns how many the wrap changed.

    a_main: MR-row blocks [block][group][row][4]; a_tail: one block of the n_tail < MR last
    rows. Threads split the N blocks of nc_panels (even) panels: no shared writes.
    """
    m_rows, n_cols = out.shape
    n_panels = 2 * ((n_cols + 2 * NR - 1) // (2 * NR))
    n_blocks_n = (n_panels + nc_panels - 1) // nc_panels
    changed = np.zeros(n_blocks_n, dtype=np.int64)
    const = np.int64(k_depth) * a_shift * b_shift
    for jb in nb.prange(n_blocks_n):
        p0 = jb * nc_panels
        p1 = min(p0 + nc_panels, n_panels)
        width = (p1 - p0) * NR
        j0 = p0 * NR
        j1 = min(j0 + width, n_cols)
        c32 = np.zeros(m_rows * width, dtype=np.int32)
        count = 0
        for g0 in range(0, n_groups, SUPER_GROUPS):
            g1 = min(g0 + SUPER_GROUPS, n_groups)
            c32[:] = 0
            _run_block(a_main, a_tail, n_main, n_tail, b_pack, n_groups, g0, g1, p0, p1,
                       kc_groups, c32, width)
            count += merge_chunk(c32, width, out, j0, j1, g0 == 0, g1 == n_groups, row_sums,
                                 col_sums, a_shift, b_shift, const, acc_bits)
        if n_groups == 0:  # K == 0: every sum is 0
            for i in range(m_rows):
                for j in range(j0, j1):
                    out[i, j] = 0
        changed[jb] = count
    return changed.sum()
