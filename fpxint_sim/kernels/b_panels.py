"""B packed into 16-column panels of 4-byte words, the layout every broadcast micro-kernel reads.

A panel holds, per word of K, the 16 columns' words one after the other (64 bytes): int8
[group of 4 K][col][4] for vpdpbusd and vpmaddubsw, int16 [pair of K][col][2] for vpmaddwd.
K and N are zero-padded (N to an even number of panels); zero products change no sum.
"""

import numba as nb
import numpy as np

NR = 16  # panel width: two 8-lane int32 column blocks


def n_panels_for(n_cols: int) -> int:
    """Panels for n_cols columns, rounded up to an even number (micro-kernels take 2)."""
    return 2 * ((n_cols + 2 * NR - 1) // (2 * NR))


@nb.njit(cache=True, nogil=True)
def pack_b(b, shift):
    """B' = B - shift as int8 panels [panel][group][col][4]."""
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
def pack_b_int16(b):
    """B (unshifted) as int16 panels [panel][pair][col][2]."""
    k_depth, n_cols = b.shape
    n_pairs = (k_depth + 1) // 2
    n_panels = 2 * ((n_cols + 2 * NR - 1) // (2 * NR))
    out = np.zeros((n_panels, n_pairs, NR, 2), dtype=np.int16)
    for k in range(k_depth):
        for j in range(n_cols):
            out[j // NR, k // 2, j % NR, k % 2] = np.int16(b[k, j])
    return out.reshape(-1)


def nibble_shift_for(lo: int, hi: int) -> int | None:
    """Shift that puts B into [0, 15] (8 for signed INT4, 0 for unsigned), or None."""
    for shift in (0, 8):
        if lo + shift >= 0 and hi + shift <= 15:
            return shift
    return None


@nb.njit(cache=True, nogil=True)
def pack_b_nibbles(b, shift):
    """B + shift (in [0, 15]) as nibble panels [panel][group][32 bytes]: byte j of a group
    holds value j (columns 0..7) in its low nibble and value 32 + j (columns 8..15) in its
    high nibble, values in [col][4] order as in `pack_b`."""
    k_depth, n_cols = b.shape
    n_groups = (k_depth + 3) // 4
    n_panels = 2 * ((n_cols + 2 * NR - 1) // (2 * NR))
    out = np.zeros((n_panels, n_groups, 32), dtype=np.uint8)
    for k in range(k_depth):
        g, t = k // 4, k % 4
        for j in range(n_cols):
            c = j % NR
            v = np.uint8(np.int64(b[k, j]) + shift)
            idx = (c % 8) * 4 + t
            if c < 8:
                out[j // NR, g, idx] |= v
            else:
                out[j // NR, g, idx] |= v << 4
    return out.reshape(-1)
