"""Correctly rounded sum of series terms (Numba): Series.value() rounds once, at the end.

Each term value s * d (float64 scale s, int64 integer d = q - z) is turned into float64 pieces
whose sum is exactly s * d (d split into 26-bit halves, then Dekker's TwoProduct with Veltkamp
splitting, no FMA needed), and all pieces of all terms are summed with Shewchuk's algorithm and
CPython's math.fsum final rounding. The result is the exact sum rounded to nearest-even: it does
not depend on term order, and a series plus its negation gives exact zeros.
Valid while no piece overflows or underflows (|s * d| < 1e290 and scales > 1e-290).
"""

import numba as nb
import numpy as np

_SPLITTER = 134217729.0  # 2^27 + 1, Veltkamp's constant for float64


@nb.njit(cache=True, inline="always")
def _two_product(a, b):
    c = _SPLITTER * a
    ah = c - (c - a)
    al = a - ah
    c = _SPLITTER * b
    bh = c - (c - b)
    bl = b - bh
    p = a * b
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


@nb.njit(cache=True)
def _fsum(vals, n, partials):
    """Shewchuk's msum of vals[:n] with CPython's half-even correction; partials is scratch."""
    m = 0
    for t in range(n):
        x = vals[t]
        i = 0
        for k in range(m):
            y = partials[k]
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo != 0.0:
                partials[i] = lo
                i += 1
            x = hi
        partials[i] = x
        m = i + 1
    if m == 0:
        return 0.0
    m -= 1
    hi = partials[m]
    lo = 0.0
    while m > 0:
        x = hi
        m -= 1
        y = partials[m]
        hi = x + y
        yr = hi - x
        lo = y - yr
        if lo != 0.0:
            break
    if m > 0 and ((lo < 0.0 and partials[m - 1] < 0.0) or (lo > 0.0 and partials[m - 1] > 0.0)):
        y = lo * 2.0
        x = hi + y
        yr = x - hi
        if y == yr:
            hi = x
    return hi


@nb.njit(cache=True)
def sum_terms(d, s, out):
    """out[n] = round(sum_t s[t, n] * d[t, n]) exactly rounded; d int64 (T, N), s float64 (T, N)."""
    n_terms, n = d.shape
    pieces = np.empty(4 * n_terms, dtype=np.float64)
    partials = np.empty(4 * n_terms + 1, dtype=np.float64)
    for j in range(n):
        k = 0
        for t in range(n_terms):
            dv = d[t, j]
            if dv == 0:
                continue
            hi_part = dv >> 26  # arithmetic shift: dv = hi_part * 2^26 + lo_part, lo in [0, 2^26)
            lo_part = dv - (hi_part << 26)
            p, e = _two_product(s[t, j], float(hi_part))
            pieces[k] = p * 67108864.0  # * 2^26, exact
            pieces[k + 1] = e * 67108864.0
            p, e = _two_product(s[t, j], float(lo_part))
            pieces[k + 2] = p
            pieces[k + 3] = e
            k += 4
        out[j] = _fsum(pieces, k, partials)
