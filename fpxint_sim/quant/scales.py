"""Scale storage: every scale keeps a 24-bit significand (the precision of an fp32 scale register).

Why: with |q - z| < 2^9, the product s * (q - z) then needs at most 33 significant bits, so it is
exact in float64, and so is the product of two scales (48 bits). Exact term values make the
residual of the greedy series exact (docs/series.md) and let Series.value() round only once.
Scales are rounded in a chosen direction and then checked against the exact range they must
cover, so the convergence bounds hold exactly, not just to within a rounding error.
"""

import numpy as np

SCALE_SIGNIFICAND_BITS = 24
_STEP = float(2**SCALE_SIGNIFICAND_BITS)


def round_scale_down(v) -> np.ndarray:
    """Largest 24-bit-significand float <= v (elementwise, v >= 0); 0 stays 0."""
    m, e = np.frexp(np.asarray(v, dtype=np.float64))
    return np.ldexp(np.floor(m * _STEP) / _STEP, e)


def round_scale_up(v) -> np.ndarray:
    """Smallest 24-bit-significand float >= v (elementwise, v >= 0); 0 stays 0."""
    m, e = np.frexp(np.asarray(v, dtype=np.float64))
    return np.ldexp(np.ceil(m * _STEP) / _STEP, e)


def two_sum(a, b):
    """(s, e) with s = fl(a + b) and s + e = a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def covers(scale, levels: int, span_hi, span_lo) -> np.ndarray:
    """Exactly: scale * levels >= span_hi + span_lo (span given as an exact two-float sum).

    scale * levels is exact (24-bit x <= 8-bit, or a power of two), and it is within a factor of
    two of span_hi wherever this is asked, so the subtraction is exact (Sterbenz).
    """
    return scale * levels - span_hi >= span_lo


def significand_bits(v) -> np.ndarray:
    """Number of significant bits of each float64 in v (0 for zero)."""
    m, _ = np.frexp(np.abs(np.asarray(v, dtype=np.float64)))
    mant = (m * 2.0**53).astype(np.int64)  # exact: m carries at most 53 bits
    low = mant & -mant  # lowest set bit
    trailing = np.log2(np.where(mant != 0, low, 1).astype(np.float64)).astype(np.int64)
    return np.where(mant != 0, 53 - trailing, 0)
