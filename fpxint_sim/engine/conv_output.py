"""A conv job's GEMM rows into NCHW accumulators, zero-point corrected, in one pass (Numba).

The GEMM of a block of images gives rows (image, pixel) x output channels; the job's values
are NCHW. Moving them and adding the zero-point correction -z[n] * sum_k W[o, k] (reduced
modulo 2^acc_bits under wrap, wide under saturate: `jobs.zero_point_corrected`, the rule this
equals, tested) in the same pass replaces numpy's transposed copy, int64 sum, three wrap
passes and cast: ResNet-50's 608 jobs hold 119 M outputs, each numpy pass over them ~0.1 s.
"""

from __future__ import annotations

import numba as nb
import numpy as np

PIXEL_BLOCK = 64  # pixels per block: the block's rows of the GEMM output stay in L1/L2


@nb.njit(cache=True, nogil=True)
def scatter_corrected(part, raw, acc, zero, weight_sums, c0, acc_bits, wrap, correct):
    """raw[n, c0 + c, p] = part[n, p, c]; with `correct`, acc[n, c0 + c, p] = that value plus
    -zero[n] * weight_sums[c0 + c], wrapped to acc_bits when `wrap` (acc_bits < 64)."""
    n_img, n_pix, n_out = part.shape
    reduce = wrap and acc_bits < 64
    half = np.int64(1) << np.int64(min(acc_bits, 63) - 1)
    mask = (half << np.int64(1)) - np.int64(1)
    for i in range(n_img):
        for p0 in range(0, n_pix, PIXEL_BLOCK):
            p1 = min(n_pix, p0 + PIXEL_BLOCK)
            for c in range(n_out):
                o = c0 + c
                corr = -zero[i] * weight_sums[o] if correct else np.int64(0)
                for p in range(p0, p1):
                    v = part[i, p, c]
                    raw[i, o, p] = v
                    if correct:
                        w = np.int64(v) + corr
                        if reduce:
                            w = ((w + half) & mask) - half
                        acc[i, o, p] = w
