"""Exact integer bilinear ops for AbelianMul: elementwise product, matmul, conv2d, in int64.

numpy's integer matmul/einsum never go through floating point, so results are exact as long as
they fit int64; each op checks a worst-case bound first and refuses rather than wrapping. The
same functions applied to float64 arrays give a plain float reference of the same op.
"""

from __future__ import annotations

import numpy as np

from fpxint_sim.errors import InputError

_INT64_LIMIT = 2**63 - 1


def _pair(v, what):
    t = (v, v) if np.isscalar(v) else tuple(v)
    if len(t) != 2 or any(int(i) != i or i < 0 for i in t):
        raise InputError(f"conv2d: {what} must be a non-negative int or a pair, got {v!r}")
    return int(t[0]), int(t[1])


def _check_bound(a: np.ndarray, b: np.ndarray, k: int, op: str):
    if a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        return
    amax = int(np.abs(a).max(initial=0))
    bmax = int(np.abs(b).max(initial=0))
    if amax * bmax * max(k, 1) > _INT64_LIMIT:
        raise InputError(f"{op}: the exact result could exceed int64 "
                         f"({amax} x {bmax} x K={k}); refusing to wrap silently")


def mul(a, b):
    _check_bound(a, b, 1, "mul")
    return np.multiply(a, b)


def matmul(a, b):
    _check_bound(a, b, a.shape[-1], "matmul")
    return np.matmul(a, b)


def conv2d_out_hw(h, w, kh, kw, stride=1, padding=0, dilation=1):
    (sh, sw), (ph, pw), (dh, dw) = (_pair(stride, "stride"), _pair(padding, "padding"),
                                    _pair(dilation, "dilation"))
    if sh == 0 or sw == 0 or dh == 0 or dw == 0:
        raise InputError("conv2d: stride and dilation must be >= 1")
    return (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1


def conv2d(x, w, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv2d semantics (NCHW x OIHW, zero padding), exact for integers."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    _check_bound(x, w, cg * kh * kw, "conv2d")
    (sh, sw), (ph, pw), (dh, dw) = (_pair(stride, "stride"), _pair(padding, "padding"),
                                    _pair(dilation, "dilation"))
    ho, wo = conv2d_out_hw(h, wd, kh, kw, stride, padding, dilation)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(
        xp, (n, c, ho, wo, kh, kw), (s[0], s[1], s[2] * sh, s[3] * sw, s[2] * dh, s[3] * dw),
        writeable=False)
    og = o // groups
    parts = [np.einsum("nchwij,ocij->nohw", win[:, g * cg:(g + 1) * cg], w[g * og:(g + 1) * og])
             for g in range(groups)]
    return np.concatenate(parts, axis=1)


OPS = {"mul": mul, "matmul": matmul, "conv2d": conv2d}


def op_shape(op: str, a: tuple, b: tuple, stride=1, padding=0, dilation=1, groups=1) -> tuple:
    """Output shape of op on operands of shapes a and b, with one clear error if they don't fit."""
    if op == "mul":
        try:
            return tuple(np.broadcast_shapes(a, b))
        except ValueError:
            raise InputError(f"mul: shapes {a} and {b} do not broadcast") from None
    if op == "matmul":
        if len(a) < 2 or len(b) < 2 or a[-1] != b[-2]:
            raise InputError(f"matmul: shapes {a} and {b} do not fit "
                             "(need (..., M, K) x (..., K, N))")
        return (*np.broadcast_shapes(a[:-2], b[:-2]), a[-2], b[-1])
    if len(a) != 4 or len(b) != 4:
        raise InputError(f"conv2d: need NCHW input and OIHW weight, got {a} and {b}")
    if groups < 1 or a[1] != b[1] * groups or b[0] % groups:
        raise InputError(f"conv2d: channels do not fit: input {a}, weight {b}, groups={groups}")
    ho, wo = conv2d_out_hw(a[2], a[3], b[2], b[3], stride, padding, dilation)
    if ho < 1 or wo < 1:
        raise InputError(f"conv2d: empty output for input {a} and weight {b}")
    return (a[0], b[0], ho, wo)


def scale_layout(op: str, sa: np.ndarray, sb: np.ndarray):
    """Scales of the two operands arranged to broadcast onto op's output.

    A scale may vary only along axes the op keeps (rows of a matmul's left operand, columns of
    its right one, the batch of a conv input, the output channels of a conv weight); a scale
    that varies along a summed axis cannot be factored out of the integer job.
    """
    if op == "mul":
        return sa, sb
    if op == "matmul":
        if sa.shape[-1] != 1 or sb.shape[-2] != 1:
            raise InputError("matmul: scales must be constant along the contracted axis K "
                             "(per-row scales for the left operand, per-column for the right)")
        return sa, sb
    if any(d != 1 for d in sa.shape[1:]) or any(d != 1 for d in sb.shape[1:]):
        raise InputError("conv2d: scales may vary only along the input batch and the weight's "
                         "output channels")
    return sa.reshape(-1, 1, 1, 1), sb.reshape(1, -1, 1, 1)
