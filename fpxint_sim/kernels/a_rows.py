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
    lo = hi = np.int64(flat[0])
    for i in range(flat.size):
        v = np.int64(flat[i])
        lo = min(lo, v)
        hi = max(hi, v)
    return lo, hi


@nb.njit(cache=True, nogil=True)
def shifted_rows(a8, shift, row_sums):
    """A' = A + shift as u8 rows padded to a multiple of 4 bytes, and the row sums of A'.

    a8 holds A's bytes (int8/uint8 viewed as uint8, or values already in [0, 255]); the byte
    A' = (a8 + shift) mod 256 equals A + shift because A + shift is in [0, 255]. The sums run
    in uint32 (they vectorize; a row of K < 2**24 cannot wrap them). Returns a8 itself (no
    copy) when shift is 0 and K is a multiple of 4.
    """
    m_rows, k_depth = a8.shape
    k_pad = (k_depth + 3) // 4 * 4
    copy = shift != 0 or k_pad != k_depth
    out = np.zeros((m_rows, k_pad), dtype=np.uint8) if copy else a8
    sh = np.uint32(shift)
    byte = np.uint32(255)
    for i in range(m_rows):
        src = a8[i]
        dst = out[i]
        if k_depth < (1 << 24):
            s32 = np.uint32(0)
            if copy:
                for k in range(k_depth):
                    v = (np.uint32(src[k]) + sh) & byte
                    dst[k] = v
                    s32 += v
            else:
                for k in range(k_depth):
                    s32 += np.uint32(src[k])
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
def nibble_rows(a_shifted, row_sums):
    """The high then the low nibbles of u8 rows A' as 2M rows (A' = 16 high + low), with the
    row sums of each."""
    m_rows, k_pad = a_shifted.shape
    out = np.empty((2 * m_rows, k_pad), dtype=np.uint8)
    for i in range(m_rows):
        src = a_shifted[i]
        hi_row = out[i]
        lo_row = out[m_rows + i]
        s_hi = np.int64(0)
        s_lo = np.int64(0)
        for k in range(k_pad):
            v = src[k]
            hi_row[k] = v >> 4
            lo_row[k] = v & 15
            s_hi += np.int64(v >> 4)
            s_lo += np.int64(v & 15)
        row_sums[i] = s_hi
        row_sums[m_rows + i] = s_lo
    return out


@nb.njit(cache=True, nogil=True)
def widened_rows(a):
    """A as int16 rows with K padded to a multiple of 2 (one int16 pair per 4-byte word)."""
    m_rows, k_depth = a.shape
    out = np.zeros((m_rows, k_depth + k_depth % 2), dtype=np.int16)
    for i in range(m_rows):
        src = a[i]
        dst = out[i]
        for k in range(k_depth):
            dst[k] = np.int16(src[k])
    return out
