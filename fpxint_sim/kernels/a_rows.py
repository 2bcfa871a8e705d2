"""A as the broadcast micro-kernels read it: row-major rows of 4-byte words, no packing.

Each row is one stream of words (K padded with zeros to whole words), so preparing A is one
pass that also yields the row sums the shift corrections need (docs/accumulators.md).
"""

import numba as nb
import numpy as np


@nb.njit(cache=True, nogil=True)
def int_range(x):
    """(min, max) of an integer array in one pass; (0, 0) when empty."""
    flat = x.reshape(-1)
    if flat.size == 0:
        return 0, 0
    lo = flat[0]
    hi = flat[0]
    for i in range(flat.size):  # in the array's own type: the reduction vectorizes
        v = flat[i]
        lo = min(lo, v)
        hi = max(hi, v)
    return np.int64(lo), np.int64(hi)


def shifted_rows(a8, shift, row_sums):
    """A' = A + shift as u8 rows padded to a multiple of 4 bytes; fills row_sums with the row
    sums of A'.

    a8 holds A's bytes (int8/uint8 viewed as uint8, or values already in [0, 255]); the byte
    A' = (a8 + shift) mod 256 equals A + shift because A + shift is in [0, 255]. Returns a8
    itself (no copy; it may be read-only) when shift is 0 and K is a multiple of 4.
    """
    if shift == 0 and a8.shape[1] % 4 == 0:
        _byte_row_sums(a8, row_sums)
        return a8
    return _shifted_copy(a8, shift, row_sums)


@nb.njit(cache=True, nogil=True)
def _byte_row_sums(a8, row_sums):
    """Row sums of u8 rows (uint32 partial sums vectorize; a row of K < 2**24 cannot wrap)."""
    m_rows, k_depth = a8.shape
    for i in range(m_rows):
        src = a8[i]
        if k_depth < (1 << 24):
            s32 = np.uint32(0)
            for k in range(k_depth):
                s32 += np.uint32(src[k])
            row_sums[i] = np.int64(s32)
        else:
            s = np.int64(0)
            for k in range(k_depth):
                s += np.int64(src[k])
            row_sums[i] = s


@nb.njit(cache=True, nogil=True)
def _shifted_copy(a8, shift, row_sums):
    """(a8 + shift) mod 256 into new rows zero-padded to whole 4-byte words, and row sums."""
    m_rows, k_depth = a8.shape
    out = np.zeros((m_rows, (k_depth + 3) // 4 * 4), dtype=np.uint8)
    sh = np.uint32(shift)
    byte = np.uint32(255)
    for i in range(m_rows):
        src = a8[i]
        dst = out[i]
        if k_depth < (1 << 24):  # uint32 sums vectorize and cannot wrap
            s32 = np.uint32(0)
            for k in range(k_depth):
                v = (np.uint32(src[k]) + sh) & byte
                dst[k] = v
                s32 += v
            row_sums[i] = np.int64(s32)
        else:
            s = np.int64(0)
            for k in range(k_depth):
                v = (np.uint32(src[k]) + sh) & byte
                dst[k] = v
                s += np.int64(v)
            row_sums[i] = s
    return out


@nb.njit(cache=True, nogil=True)
def widened_rows(a, k_multiple):
    """A as int16 rows with K zero-padded to a multiple of k_multiple (2 for the INT16 kind's
    4-byte words, 4 for the SXB kind's 8-byte words)."""
    m_rows, k_depth = a.shape
    k_pad = (k_depth + k_multiple - 1) // k_multiple * k_multiple
    out = np.zeros((m_rows, k_pad), dtype=np.int16)
    for i in range(m_rows):
        src = a[i]
        dst = out[i]
        for k in range(k_depth):
            dst[k] = np.int16(src[k])
    return out
