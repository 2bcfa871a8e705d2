"""AbelianAdd, AbelianNeg and AbelianMul on series.

AbelianAdd joins the term lists; the empty series is its identity and negating every scale gives
the inverse. AbelianMul of a bilinear op f gives the n*m independent integer jobs
f(q_i - z_i, p_j - w_j), each with scale s_i * t_j and zero point 0. The integer jobs run in
int64 (fpxint_sim.series.int_ops), and a scale product must be exact in float64 or the
multiplication is refused, so the laws hold exactly, not approximately.
"""

from __future__ import annotations

import numpy as np

from fpxint_sim.errors import InputError
from fpxint_sim.series.int_ops import OPS, op_shape, scale_layout
from fpxint_sim.series.series import Series, Term

MAX_ONE_ELEMENTS = 2**28  # one_series builds int8 arrays: 256 MiB at most, checked first


def _check_series(what: str, **operands):
    for name, v in operands.items():
        if not isinstance(v, Series):
            raise InputError(f"{what}: {name} must be a Series (from expand_tensor), got "
                             f"{type(v).__name__}")


def _check_same_shape(a: Series, b: Series, what: str):
    _check_series(what, a=a, b=b)
    if tuple(a.shape) != tuple(b.shape):
        raise InputError(f"{what}: series shapes differ: {tuple(a.shape)} vs {tuple(b.shape)}")


def zero_series(shape) -> Series:
    """Identity of AbelianAdd: the empty series."""
    return Series(tuple(shape), ())


def abelian_add(a: Series, b: Series) -> Series:
    """a (+) b: the terms of both. value(a (+) b) = round(exact(a) + exact(b))."""
    _check_same_shape(a, b, "abelian_add")
    return Series(tuple(a.shape), tuple(a.terms) + tuple(b.terms))


def abelian_neg(a: Series) -> Series:
    """Inverse of a: every scale negated (integers unchanged, so terms stay in range)."""
    _check_series("abelian_neg", a=a)
    return Series(tuple(a.shape), tuple(
        Term(t.q, -t.scale, t.zero_point, t.bits, t.signed) for t in a.terms))


def one_series(op: str, shape) -> Series:
    """Identity of AbelianMul for op, with one term of value 1, for an operand of `shape`.

    mul: ones of `shape`; matmul: the identity matrix for a right operand of a (..., M, K) left
    operand (shape gives K via shape[-1]); conv2d: a 1x1 identity kernel for C = shape[1] channels.
    """
    if op not in OPS:
        raise InputError(f"unknown op {op!r}: use one of {tuple(OPS)}")
    shape = _operand_shape(op, shape)
    if op == "mul":
        q = np.ones(shape, dtype=np.int8)
    elif op == "matmul":
        q = np.eye(shape[-1], dtype=np.int8)
    else:
        q = np.eye(shape[1], dtype=np.int8).reshape(shape[1], shape[1], 1, 1)
    one = np.ones((1,) * q.ndim)
    return Series(q.shape, (Term(q, one, np.zeros((1,) * q.ndim, np.int64), 2, True),))


def _operand_shape(op: str, shape) -> tuple[int, ...]:
    """`shape` as a tuple of sizes of the rank op needs, with the identity's size bounded."""
    try:
        dims = tuple(shape)
    except TypeError:
        raise InputError(f"one_series({op!r}): shape must be a tuple of sizes, got "
                         f"{shape!r}") from None
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0
               for d in dims):
        raise InputError(f"one_series({op!r}): sizes must be integers >= 0, got {dims!r}")
    need = {"mul": "any rank", "matmul": "(..., M, K)", "conv2d": "NCHW"}[op]
    if (op == "matmul" and len(dims) < 2) or (op == "conv2d" and len(dims) != 4):
        raise InputError(f"one_series({op!r}): shape {dims} is not the left operand's "
                         f"{need} shape")
    side = {"mul": None, "matmul": -1, "conv2d": 1}[op]
    n = int(np.prod(dims, dtype=object)) if side is None else int(dims[side]) ** 2
    if n > MAX_ONE_ELEMENTS:
        raise InputError(f"one_series({op!r}): the identity for shape {dims} has {n:,} "
                         f"elements, more than {MAX_ONE_ELEMENTS:,}")
    return tuple(int(d) for d in dims)


def exact_product(sa: np.ndarray, sb: np.ndarray) -> np.ndarray:
    """sa * sb, refusing to round: raise if any product is not exactly representable."""
    p = sa * sb
    c = 134217729.0
    ah = c * sa - (c * sa - sa)
    bh = c * sb - (c * sb - sb)
    err = ((ah * bh - p) + ah * (sb - bh) + (sa - ah) * bh) + (sa - ah) * (sb - bh)
    if np.any(err != 0) or not np.all(np.isfinite(p)):
        raise InputError(
            "abelian_mul: a scale product is not exact in float64 (more than 53 significant "
            "bits); b-bit terms carry 24-bit scales, so products of two terms are always exact, "
            "and pow2 scales always are")
    return p


def abelian_mul(a: Series, b: Series, op: str = "mul", **op_args) -> Series:
    """a (x) b for op in {"mul", "matmul", "conv2d"}: the n*m integer jobs, one term each.

    conv2d takes stride, padding, dilation, groups. value(a (x) b) = round(op(exact(a), exact(b))).
    """
    _check_series("abelian_mul", a=a, b=b)
    if op not in OPS:
        raise InputError(f"unknown op {op!r}: use one of {tuple(OPS)}")
    out_shape = op_shape(op, tuple(a.shape), tuple(b.shape), **op_args)
    int_op = OPS[op]
    terms = []
    for ta in a.terms:
        da = ta.centered()
        for tb in b.terms:
            sa, sb = scale_layout(op, ta.scale, tb.scale)
            q = int_op(da, tb.centered(), **op_args)
            scale = exact_product(sa, sb)
            zp = np.zeros((1,) * len(out_shape), dtype=np.int64)
            terms.append(Term(q, scale, zp, None, True))
    return Series(out_shape, tuple(terms))
