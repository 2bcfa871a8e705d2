"""Scales and zero points of one series term, per row, under the `free` and `pow2` policies.

free: symmetric s = the largest 24-bit scale with s * qmax <= amax, so |r| <= s/2 <= amax/(2^b-2)
      exactly; asymmetric s = the smallest 24-bit scale with s * (2^b - 1) >= hi - lo and
      z = rint(-lo / s), so the grid covers [lo, hi] and |r| <= s/2 exactly.
pow2: s is the smallest power of two with s * qmax covering the range, so every scale of a series
      is a power of two and each is a power-of-two fraction of the previous one: terms combine by
      shifts, and any tensor on a dyadic grid (an INT8 tensor with a power-of-two scale) is
      reproduced exactly in finitely many terms (docs/series.md says how many).
"""

import numpy as np

from fpxint_sim.quant.scales import covers, round_scale_down, round_scale_up, two_sum

POLICIES = ("free", "pow2")


def _pow2_covering(span_hi, span_lo, levels: int) -> np.ndarray:
    """Smallest power of two s with s * levels >= span (exact); 0 where the span is 0."""
    _, e = np.frexp(span_hi / levels)
    s = np.ldexp(1.0, e)  # within a factor 2 of the answer
    s = np.where(covers(s, levels, span_hi, span_lo), s, 2.0 * s)
    s = np.where(covers(0.5 * s, levels, span_hi, span_lo), 0.5 * s, s)
    return np.where(span_hi > 0, s, 0.0)


def symmetric_scale(amax: np.ndarray, qmax: int, policy: str) -> np.ndarray:
    """Per-row scale for a symmetric term covering [-amax, amax]."""
    if policy == "pow2":
        return _pow2_covering(amax, np.zeros_like(amax), qmax)
    s = round_scale_down(amax / qmax)
    # The quotient was rounded; if that pushed s past amax / qmax, step one 24-bit ulp down.
    s = np.where(s * qmax > amax, round_scale_down(np.nextafter(s, 0.0)), s)  # exact compare
    return np.where(amax > 0, s, 0.0)


def asymmetric_scale(lo: np.ndarray, hi: np.ndarray, qmax: int, policy: str):
    """Per-row (scale, zero point) for an unsigned term covering [min(lo, 0), max(hi, 0)]."""
    span_hi, span_lo = two_sum(np.maximum(hi, 0.0), -np.minimum(lo, 0.0))
    if policy == "pow2":
        s = _pow2_covering(span_hi, span_lo, qmax)
    else:
        s = round_scale_up(span_hi / qmax)
        s = np.where(covers(s, qmax, span_hi, span_lo), s,
                     round_scale_up(np.nextafter(s, np.inf)))
        s = np.where(span_hi > 0, s, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, np.clip(np.rint(-np.minimum(lo, 0.0) / s), 0, qmax), 0.0)
    return s, z.astype(np.int64)
