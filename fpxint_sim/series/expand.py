"""Greedy residual expansion of a tensor into a series of b-bit terms.

r_0 = x; term k quantizes r_{k-1} with its own scale (and zero point); r_k = r_{k-1} - term_k.
Stops after `terms` terms, or at the first k with max|r_k| < tol (at most `max_terms`), or when
the residual is exactly zero or below what any b-bit term can represent (every scale would be 0:
the residual is at the float64 subnormal floor), so no zero-scale terms are produced. With tol
and an axis, every row stops on its own: once a row's max|r| < tol its later terms are zero
there. Residuals are float64 throughout. Math:
docs/series.md.
"""

from __future__ import annotations

import numpy as np

from fpxint_sim.errors import InputError
from fpxint_sim.quant.laplace import laplace_clip_value
from fpxint_sim.quant.uniform import check_bits, qrange
from fpxint_sim.series.residual_step import quantize_rows
from fpxint_sim.series.scale_policy import POLICIES, asymmetric_scale, symmetric_scale
from fpxint_sim.series.series import Series, Term
from fpxint_sim.series.tensor_input import as_float64, normalize_axis


def _check_options(terms, tol, max_terms, clip, scale_policy, name):
    if terms is not None and (isinstance(terms, bool) or not isinstance(terms, (int, np.integer))
                              or terms < 1):
        raise InputError(f"{name}: terms must be a positive integer or None, got {terms!r}")
    if terms is None:
        if not isinstance(tol, (int, float, np.floating)) or not np.isfinite(tol) or tol <= 0:
            raise InputError(f"{name}: tol must be a finite number > 0, got {tol!r}")
        if isinstance(max_terms, bool) or not isinstance(max_terms, (int, np.integer)) \
                or max_terms < 1:
            raise InputError(f"{name}: max_terms must be a positive integer, got {max_terms!r}")
    if scale_policy not in POLICIES:
        raise InputError(f"{name}: scale_policy must be one of {POLICIES}, got {scale_policy!r}")
    if clip is not None and not (isinstance(clip, str) and clip == "laplace"):
        arr = np.asarray(clip, dtype=np.float64) if not isinstance(clip, str) else None
        if arr is None or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
            raise InputError(f"{name}: clip must be None, 'laplace' or positive clip values, "
                             f"got {clip!r}")


def _rows(x: np.ndarray, axis):
    """View x as (C, L) rows: one row per channel along axis, or one row for the tensor."""
    if axis is None:
        return x.reshape(1, -1).copy()
    return np.ascontiguousarray(np.moveaxis(x, axis, 0)).reshape(x.shape[axis], -1)


def _unrows(q_rows: np.ndarray, shape, axis) -> np.ndarray:
    if axis is None:
        return q_rows.reshape(shape)
    moved = (shape[axis], *(s for i, s in enumerate(shape) if i != axis))
    return np.moveaxis(q_rows.reshape(moved), 0, axis)


def _keepdims(row_vals: np.ndarray, ndim: int, axis) -> np.ndarray:
    shape = [1] * ndim
    if axis is not None:
        shape[axis] = row_vals.shape[0]
    return row_vals.reshape(shape)


def _clip_rows(x, bits, symmetric, axis, clip, n_rows):
    """Per-row clip value for the first term (None for no clip)."""
    if clip is None:
        return None
    if isinstance(clip, str):
        alpha = laplace_clip_value(x, bits, symmetric, axis)
    else:
        alpha = np.broadcast_to(np.asarray(clip, dtype=np.float64),
                                _keepdims(np.zeros(n_rows), x.ndim, axis).shape)
    return np.asarray(alpha, dtype=np.float64).reshape(n_rows)


def expand_tensor(x, bits: int = 4, terms: int | None = None, tol: float = 1e-4,
                  max_terms: int = 8, symmetric: bool = True, axis: int | None = None,
                  clip=None, scale_policy: str = "free", name: str = "tensor") -> Series:
    """Expand x (numpy array or torch tensor) into a Series of `bits`-bit integer terms.

    terms: fixed number of terms; None means "until max|residual| < tol, at most max_terms".
    symmetric: signed restricted-range terms; False gives unsigned terms with a zero point.
    axis: per-channel scales along this axis (None: one scale per term).
    clip: None, "laplace" (alpha = c_b * mean|x - mean|, first term only) or clip values.
    scale_policy: "free" or "pow2". name: how error messages refer to x.
    """
    bits = check_bits(bits, f"{name}: bits")
    _check_options(terms, tol, max_terms, clip, scale_policy, name)
    arr = as_float64(x, name)
    axis = normalize_axis(axis, arr.ndim, name)
    r = _rows(arr, axis)
    n_rows = r.shape[0]
    qmin, qmax = qrange(bits, symmetric)
    qdtype = np.int8 if symmetric else np.uint8
    alpha = _clip_rows(arr, bits, symmetric, axis, clip, n_rows)

    absmax = np.abs(r).max(axis=1)
    lo, hi = r.min(axis=1), r.max(axis=1)
    limit = terms if terms is not None else max_terms
    rowsq = np.empty(n_rows)
    out_terms, history, norms = [], [], []
    while len(out_terms) < limit:
        if absmax.max() == 0.0 or (terms is None and absmax.max() < tol):
            break
        a_max, a_lo, a_hi = absmax, lo, hi
        if alpha is not None and not out_terms:
            use = alpha > 0  # a constant row has zero deviation: leave it unclipped
            if symmetric:
                a_max = np.where(use, np.minimum(absmax, alpha), absmax)
            else:
                mean = r.mean(axis=1)
                a_lo = np.where(use, np.maximum(lo, mean - alpha), lo)
                a_hi = np.where(use, np.minimum(hi, mean + alpha), hi)
        with np.errstate(over="ignore", invalid="ignore"):  # a span past float64: checked below
            if symmetric:
                scale = symmetric_scale(a_max, qmax, scale_policy)
                zp = np.zeros(n_rows, dtype=np.int64)
            else:
                scale, zp = asymmetric_scale(a_lo, a_hi, qmax, scale_policy)
        if terms is None and axis is not None:
            # Each row (channel, sample, token) stops at its own tol: a row already below it
            # gets a zero term, so a row's series does not depend on the other rows.
            done = absmax < tol
            scale, zp = np.where(done, 0.0, scale), np.where(done, 0, zp)
        if not np.all(np.isfinite(scale)):
            raise InputError(f"{name}: the range of the values ({lo.min():.3g} .. "
                             f"{hi.max():.3g}) is wider than float64 can scale into "
                             f"{bits}-bit terms; use symmetric terms or scale the tensor down")
        if not np.any(scale):  # nothing left a b-bit term can represent: stop, no zero terms
            break
        q_rows = np.empty(r.shape, dtype=qdtype)
        quantize_rows(r, scale, zp, qmin, qmax, q_rows, absmax, lo, hi, rowsq)
        out_terms.append(Term(q=_unrows(q_rows, arr.shape, axis),
                              scale=_keepdims(scale, arr.ndim, axis),
                              zero_point=_keepdims(zp, arr.ndim, axis),
                              bits=bits, signed=symmetric))
        history.append(float(absmax.max()))
        norms.append(float(np.sqrt(rowsq.sum())))
    residual = _unrows(r, arr.shape, axis)
    return Series(arr.shape, tuple(out_terms), tuple(history), residual, tuple(norms))
