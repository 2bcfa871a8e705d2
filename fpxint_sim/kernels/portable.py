"""Portable exact kernels (plain Numba loops): the fallback path and the ordered slow paths.

Every function here is exact integer arithmetic in int64; see docs/accumulators.md for the
accumulation order that `ordered_gemm` follows.
"""

import numba as nb
import numpy as np

INT16_MIN = -32768
INT16_MAX = 32767


@nb.njit(cache=True, inline="always")
def _clamp(t, lo, hi):
    """t clamped to [lo, hi], and whether the clamp changed it."""
    if t > hi:
        return hi, True
    if t < lo:
        return lo, True
    return t, False


@nb.njit(cache=True, nogil=True)
def exact_gemm(a, b):
    """Exact int64 sum_k a[m,k] * b[k,n] (no overflow for |a|,|b| <= 2**15, K < 2**33)."""
    m_rows, k_depth = a.shape
    n_cols = b.shape[1]
    out = np.zeros((m_rows, n_cols), dtype=np.int64)
    for i in range(m_rows):
        row = out[i]
        for k in range(k_depth):
            aik = np.int64(a[i, k])
            if aik == 0:
                continue
            for j in range(n_cols):
                row[j] += aik * np.int64(b[k, j])
    return out


@nb.njit(cache=True, nogil=True)
def pair_saturated_gemm(a, b):
    """fbgemm AVX2 model: sum over pairs p of sat16(a[2p]b[2p] + a[2p+1]b[2p+1]), exact int64.

    Returns (sums, pair_saturated[m, n] as uint8 flags).
    """
    m_rows, k_depth = a.shape
    n_cols = b.shape[1]
    out = np.zeros((m_rows, n_cols), dtype=np.int64)
    flags = np.zeros((m_rows, n_cols), dtype=np.uint8)
    for i in range(m_rows):
        for k0 in range(0, k_depth, 2):
            a0 = np.int64(a[i, k0])
            a1 = np.int64(a[i, k0 + 1]) if k0 + 1 < k_depth else np.int64(0)
            for j in range(n_cols):
                s = a0 * np.int64(b[k0, j])
                if k0 + 1 < k_depth:
                    s += a1 * np.int64(b[k0 + 1, j])
                s, hit = _clamp(s, INT16_MIN, INT16_MAX)
                if hit:
                    flags[i, j] = 1
                out[i, j] += s
    return out, flags


@nb.njit(cache=True, nogil=True)
def ordered_gemm(a, b, lo, hi, k_tile, pairs):
    """Saturating accumulation in array-dataflow order (docs/accumulators.md, "Saturate").

    For each output: K is cut into folds of k_tile; within a fold the PE adds its terms in
    increasing k, clamping to [lo, hi] after every addition, starting from 0; each fold's
    partial sum is then added, clamped, to the running total in fold order. A term is one
    exact product, or with `pairs` one int16-saturated pair sum (k even, k + 1).
    Returns (acc int64, clamped flags uint8, pair_saturated flags uint8).
    """
    m_rows, k_depth = a.shape
    n_cols = b.shape[1]
    acc = np.zeros((m_rows, n_cols), dtype=np.int64)
    clamped = np.zeros((m_rows, n_cols), dtype=np.uint8)
    pair_flags = np.zeros((m_rows, n_cols), dtype=np.uint8)
    step = 2 if pairs else 1
    part = np.zeros(n_cols, dtype=np.int64)
    total = np.zeros(n_cols, dtype=np.int64)
    for i in range(m_rows):
        part[:] = 0
        total[:] = 0
        for k0 in range(0, k_depth, step):
            if k0 > 0 and k0 % k_tile == 0:
                for j in range(n_cols):
                    t, hit = _clamp(total[j] + part[j], lo, hi)
                    if hit:
                        clamped[i, j] = 1
                    total[j] = t
                    part[j] = 0
            a0 = np.int64(a[i, k0])
            has1 = pairs and k0 + 1 < k_depth
            a1 = np.int64(a[i, k0 + 1]) if has1 else np.int64(0)
            for j in range(n_cols):
                s = a0 * np.int64(b[k0, j])
                if has1:
                    s += a1 * np.int64(b[k0 + 1, j])
                if pairs:
                    s, hit = _clamp(s, INT16_MIN, INT16_MAX)
                    if hit:
                        pair_flags[i, j] = 1
                t, hit = _clamp(part[j] + s, lo, hi)
                if hit:
                    clamped[i, j] = 1
                part[j] = t
        for j in range(n_cols):
            t, hit = _clamp(total[j] + part[j], lo, hi)
            if hit:
                clamped[i, j] = 1
            acc[i, j] = t
    return acc, clamped, pair_flags
