"""One greedy-series step over rows (Numba): quantize the residual, subtract the term, in place.

Rows are channels (or a single row per tensor). With the term value exact (24-bit scale times an
integer below 2^9) and q = rint(r / s), the subtraction r - s * (q - z) is exact by Sterbenz's
lemma, so x = sum of terms + residual holds exactly in float64 (clipped elements aside). The
final check re-rounds the rare element whose computed quotient landed on the wrong side of a tie,
so |r_k| <= s_k / 2 holds exactly for every element the range can reach.
"""

import numba as nb
import numpy as np


@nb.njit(cache=True, nogil=True)  # nogil: a model's layers expand on threads at once
def quantize_rows(r, scale, zero_point, qmin, qmax, q_out, absmax, rowmin, rowmax, rowsq):
    """Quantize r (C, L) row-wise into q_out, replace r by the residual, and return its stats.

    absmax/rowmin/rowmax/rowsq (C,) receive max|r|, min r, max r and sum r^2 of the new residual.
    A row with scale 0 (its residual is already zero) gets q = zero_point and keeps r.
    """
    n_rows, n_cols = r.shape
    for c in range(n_rows):
        s = scale[c]
        z = zero_point[c]
        amax = 0.0
        lo = np.inf
        hi = -np.inf
        sq = 0.0
        for j in range(n_cols):
            x = r[c, j]
            if s == 0.0:
                q = z
                res = x
            else:
                qf = np.rint(x / s) + z
                q = int(min(max(qf, qmin), qmax))
                res = x - s * (q - z)
                if 2.0 * abs(res) > s:
                    step = 1 if res > 0.0 else -1
                    q2 = q + step
                    if qmin <= q2 <= qmax:
                        res2 = x - s * (q2 - z)
                        if abs(res2) < abs(res):
                            q = q2
                            res = res2
            q_out[c, j] = q
            r[c, j] = res
            a = abs(res)
            sq += res * res
            if a > amax:
                amax = a
            if res < lo:
                lo = res
            if res > hi:
                hi = res
        absmax[c] = amax
        rowmin[c] = lo
        rowmax[c] = hi
        rowsq[c] = sq
