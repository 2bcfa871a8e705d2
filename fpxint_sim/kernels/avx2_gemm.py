"""Blocked exact GEMM on the AVX2 micro-kernels: packing, cache blocking, threads, epilogue.

Computes A B = A'B' + corrections for A' = A + a_shift in [0, 255] (nibble-split when > 15)
and B' = B - b_shift in [-128, 127]. A'B' is exact in int32 per K super-chunk (|A'B'| < 2**31),
super-chunks add in int64, then the epilogue adds the shift corrections and wraps to acc_bits.
Exactness proof: docs/accumulators.md, "AVX2 fast path".
"""

import numba as nb
import numpy as np

from fpxint_sim.kernels.avx2_microkernel import make_microkernel

NR = 16  # B panel width: two ymm of 8 int32 columns
MR_BY_PARTS = (0, 6, 3)  # register-block rows for 1 part (4-bit A) and 2 parts (8-bit A)
KC_GROUPS = 64  # K-groups of 4 per cache block when A is large
SMALL_A_BYTES = 1 << 17  # packed A this small stays in L2: no K blocking, B streams once
NC_PANELS = 16  # at most this many B panels per N block (16 x 16 = 256 columns)
SUPER_GROUPS = 16384  # 65536 K per int32 super-chunk: 65536 * 255 * 128 < 2**31

# 12 accumulators fit 16 ymm registers; "wide" blocks (24) need the 32 of AVX-512VL.
_m6x1_p1 = make_microkernel(6, 1, 1)
_m6x2_p1 = make_microkernel(6, 2, 1)
_m3x1_p2 = make_microkernel(3, 1, 2)
_m3x2_p2 = make_microkernel(3, 2, 2)
_m1x1_p1 = make_microkernel(1, 1, 1)
_m1x2_p1 = make_microkernel(1, 2, 1)
_m1x1_p2 = make_microkernel(1, 1, 2)
_m1x2_p2 = make_microkernel(1, 2, 2)


@nb.njit(cache=True, nogil=True)
def int_range(x):
    """(min, max) of an integer array in one pass; (0, 0) when empty."""
    flat = x.reshape(-1)
    if flat.size == 0:
        return 0, 0
    lo = hi = np.int64(flat[0])
    for i in range(flat.size):
        v = np.int64(flat[i])
        lo = min(lo, v)
        hi = max(hi, v)
    return lo, hi


@nb.njit(cache=True, nogil=True)
def pack_b(b, shift):
    """B' = B - shift as int8 panels [panel][group][col][4]; K, N zero-padded, panels even."""
    k_depth, n_cols = b.shape
    n_groups = (k_depth + 3) // 4
    n_panels = 2 * ((n_cols + 2 * NR - 1) // (2 * NR))
    out = np.zeros((n_panels, n_groups, NR, 4), dtype=np.int8)
    for k in range(k_depth):
        g, t = k // 4, k % 4
        for j in range(n_cols):
            out[j // NR, g, j % NR, t] = np.int8(np.int64(b[k, j]) - shift)
    return out.reshape(-1)


@nb.njit(cache=True, nogil=True)
def pack_a(a, shift, parts, mr, row0, n_rows, row_sums):
    """A' = A + shift rows [row0, row0 + n_rows) as [block][group][part][row][4]; row sums of A'.

    parts=2 stores the high nibble then the low nibble, parts=1 stores A' itself (<= 15).
    """
    k_depth = a.shape[1]
    n_groups = (k_depth + 3) // 4
    n_blocks = n_rows // mr
    out = np.zeros((n_blocks, n_groups, parts, mr, 4), dtype=np.uint8)
    for blk in range(n_blocks):
        for r in range(mr):
            i = row0 + blk * mr + r
            s = np.int64(0)
            for k in range(k_depth):
                v = np.int64(a[i, k]) + shift
                s += v
                if parts == 2:
                    out[blk, k // 4, 0, r, k % 4] = np.uint8(v >> 4)
                    out[blk, k // 4, 1, r, k % 4] = np.uint8(v & 15)
                else:
                    out[blk, k // 4, 0, r, k % 4] = np.uint8(v)
            row_sums[i] = s
    return out.reshape(-1)


@nb.njit(cache=True, nogil=True)
def _micro(main, wide, parts, a, a_off, b, b_off, b_ps, n, c, c_off, ldc):
    """Dispatch to the compiled register block for (main rows or 1 tail row, wide, parts)."""
    if main:
        if parts == 2:
            if wide:
                _m3x2_p2(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
            else:
                _m3x1_p2(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
        elif wide:
            _m6x2_p1(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
        else:
            _m6x1_p1(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
    elif parts == 2:
        if wide:
            _m1x2_p2(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
        else:
            _m1x1_p2(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
    elif wide:
        _m1x2_p1(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)
    else:
        _m1x1_p1(a, a_off, b, b_off, b_ps, n, c, c_off, ldc)


@nb.njit(cache=True, nogil=True)
def _run_block(a_main, a_tail, n_main, n_tail, mr, parts, wide, b_pack, n_groups, g0, g1,
               p0, p1, g_flush, kc_groups, c32, ldc):
    """All row blocks x panels [p0, p1) over K-groups [g0, g1), adding into c32 (row stride ldc)."""
    ppc = 2 if wide else 1
    b_ps = n_groups * NR * 4
    for kc0 in range(g0, g1, kc_groups):
        kc1 = min(kc0 + kc_groups, g1)
        for blk in range(n_main + n_tail):
            main = blk < n_main
            rows = mr if main else 1
            if main:
                a_src = a_main
                a_off = blk * n_groups * parts * mr * 4
                c_row = blk * mr
            else:
                a_src = a_tail
                a_off = (blk - n_main) * n_groups * parts * 4
                c_row = n_main * mr + blk - n_main
            for p in range(p0, p1, ppc):
                for s in range(kc0, kc1, g_flush):
                    n = min(g_flush, kc1 - s)
                    _micro(main, wide, parts, a_src, a_off + s * parts * rows * 4, b_pack,
                           (p * n_groups + s) * NR * 4, b_ps, n, c32,
                           c_row * ldc + (p - p0) * NR, ldc)


@nb.njit(cache=True, nogil=True)
def merge_chunk(c32, width, out, j0, j1, first, last, row_sums, col_sums, a_shift, b_shift,
                const, acc_bits):
    """out[:, j0:j1] (+)= one int32 super-chunk tile (row stride width), exactly in int64.

    On the last super-chunk also adds the shift corrections b_shift * rowsum(A') -
    a_shift * colsum(B') - const and wraps to acc_bits; returns how many outputs the wrap
    changed (0 before the last chunk). Shared with vnni_gemm.packed_gemm; Numba's cache does
    not see edits across modules, so clear __pycache__/*.nb[ic] after changing it.
    """
    half = np.int64(1) << (min(acc_bits, 63) - 1)
    mask = (half << 1) - 1
    count = np.int64(0)
    w = j1 - j0
    cols = col_sums[j0:j1]
    for i in range(out.shape[0]):  # slices and range(w): branch-free loops that vectorize
        src = c32[i * width:i * width + w]
        dst = out[i, j0:j1]
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


@nb.njit(cache=True, nogil=True, parallel=True)
def packed_gemm(a_main, a_tail, n_main, n_tail, mr, parts, wide, b_pack, n_groups, g_flush,
                kc_groups, nc_panels, row_sums, col_sums, a_shift, b_shift, k_depth, acc_bits,
                out):
    """out (uninitialised) = A B exactly, wrapped to acc_bits; returns how many the wrap changed.

    Threads split the N blocks (each owns its columns: no shared writes).
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
            _run_block(a_main, a_tail, n_main, n_tail, mr, parts, wide, b_pack, n_groups, g0,
                       g1, p0, p1, g_flush, kc_groups, c32, width)
            count += merge_chunk(c32, width, out, j0, j1, g0 == 0, g1 == n_groups, row_sums,
                                 col_sums, a_shift, b_shift, const, acc_bits)
        if n_groups == 0:  # K == 0: every sum is 0
            for i in range(m_rows):
                for j in range(j0, j1):
                    out[i, j] = 0
        changed[jb] = count
    return changed.sum()
