"""Laplace clipping for the first activation term (ACIQ, Banner et al. 2019), derived here.

For x ~ Laplace(mu, beta), the mean absolute deviation E|x - mu| equals beta, so a clip written as
alpha = c_b * E|x - mean| is scale free: c_b is the alpha that minimizes the expected squared
error E[(x - Q_alpha(x))^2] of the *actual* b-bit quantizer (restricted symmetric range, or the
unsigned range with its zero point) on Laplace(0, 1). The error of a quantizer with levels L_i is
an integral of (x - L_i)^2 e^{-|x|} / 2 over each level's cell, which has a closed form, so c_b is
found by a 1-D minimization of an exact function (no sampling, no table to trust).
tests/quant/test_laplace.py checks it against numerical minimization on Laplace samples.
"""

from functools import cache

import numpy as np

from fpxint_sim.quant.uniform import check_bits


def _pos_integral(a, b, c):
    """Integral over [a, b] (0 <= a <= b <= inf) of (x - c)^2 exp(-x) / 2."""

    def g(x):
        u = x - c
        with np.errstate(invalid="ignore", over="ignore"):
            val = -0.5 * np.exp(-x) * (u * u + 2.0 * u + 2.0)
        return np.where(np.isinf(x), 0.0, val)

    return g(b) - g(a)


def _levels(alpha: float, bits: int, symmetric: bool) -> np.ndarray:
    if symmetric:
        qmax = 2 ** (bits - 1) - 1
        return np.arange(-qmax, qmax + 1) * (alpha / qmax)
    # Unsigned grid over [-alpha, alpha]: step 2 alpha / (2^b - 1), zero point rint(alpha / step).
    step = 2.0 * alpha / (2**bits - 1)
    zp = np.rint(alpha / step)
    return (np.arange(2**bits) - zp) * step


def laplace_quant_mse(alpha: float, bits: int, symmetric: bool = True) -> float:
    """Exact expected squared error of the b-bit quantizer clipped at alpha on Laplace(0, 1)."""
    lv = _levels(alpha, bits, symmetric)
    mids = 0.5 * (lv[1:] + lv[:-1])
    lo = np.concatenate(([-np.inf], mids))
    hi = np.concatenate((mids, [np.inf]))
    pos = _pos_integral(np.maximum(lo, 0.0), np.maximum(hi, 0.0), lv)
    neg = _pos_integral(np.maximum(-hi, 0.0), np.maximum(-lo, 0.0), -lv)
    return float(np.sum(pos) + np.sum(neg))


@cache
def laplace_clip_factor(bits: int, symmetric: bool = True) -> float:
    """c_b: the MSE-optimal clip of Laplace(0, 1) in units of its mean absolute deviation."""
    bits = check_bits(bits)
    # Coarse log grid, then golden-section search in the bracket around the best grid point.
    grid = np.geomspace(0.1, 60.0, 400)
    errs = np.array([laplace_quant_mse(a, bits, symmetric) for a in grid])
    i = int(np.argmin(errs))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = lo, hi
    for _ in range(80):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        if laplace_quant_mse(c, bits, symmetric) <= laplace_quant_mse(d, bits, symmetric):
            b = d
        else:
            a = c
    return float(0.5 * (a + b))


def laplace_clip_value(x: np.ndarray, bits: int, symmetric: bool = True, axis: int | None = None):
    """alpha = c_b * E|x - mean(x)|, per tensor (axis None) or per slice along `axis`.

    Returns an array broadcastable against x (keepdims), float64.
    """
    x = np.asarray(x, dtype=np.float64)
    red = None if axis is None else tuple(d for d in range(x.ndim) if d != axis)
    mean = np.mean(x, axis=red, keepdims=True)
    mad = np.mean(np.abs(x - mean), axis=red, keepdims=True)
    return laplace_clip_factor(bits, symmetric) * mad
