"""`conv2d`: integer NCHW x OIHW convolution as GEMM jobs over blocks of output rows.

Each (image, group, block of output rows) gathers only its own patch matrix (at most about
`BLOCK_ELEMS` values) and runs `gemm_spec` on it, so no full im2col copy is ever built. The
reduction index is the OIHW flattening k = (c * KH + r) * KW + s, which fixes the order the
saturating accumulator follows (docs/accumulators.md).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from fpxint_sim.errors import InputError
from fpxint_sim.kernels.accumulator import (
    AccumulatorEvents,
    AccumulatorSpec,
    acc_dtype,
    check_int_operand,
)
from fpxint_sim.kernels.gemm import gemm_spec

BLOCK_ELEMS = 1 << 20  # patch-matrix values gathered per GEMM call


def _pair(name: str, v) -> tuple[int, int]:
    t = (v, v) if np.isscalar(v) else tuple(v)
    if len(t) != 2 or not all(isinstance(i, (int, np.integer)) for i in t):
        raise InputError(f"conv2d {name} must be an int or a pair of ints, got {v!r}")
    return int(t[0]), int(t[1])


@nb.njit(cache=True, nogil=True)
def gather_patches(x, n, c0, cg, kh, kw, sh, sw, ph, pw, dh, dw, oh0, oh1, ow, pad_value):
    """Patch matrix (cg*kh*kw, (oh1-oh0)*ow) of image n, channels [c0, c0+cg), output rows."""
    h, w = x.shape[2], x.shape[3]
    out = np.empty((cg * kh * kw, (oh1 - oh0) * ow), dtype=x.dtype)
    for c in range(cg):
        for r in range(kh):
            for s in range(kw):
                k = (c * kh + r) * kw + s
                for oy in range(oh0, oh1):
                    iy = oy * sh - ph + r * dh
                    base = (oy - oh0) * ow
                    for ox in range(ow):
                        ix = ox * sw - pw + s * dw
                        if 0 <= iy < h and 0 <= ix < w:
                            out[k, base + ox] = x[n, c0 + c, iy, ix]
                        else:
                            out[k, base + ox] = pad_value
    return out


def conv2d(x, w, *, stride=1, padding=0, dilation=1, groups: int = 1, pad_value: int = 0,
           acc_bits: int = 32, overflow: str = "wrap", pair_saturate_int16: bool = False,
           k_tile: int | None = None, impl: str = "auto"):
    """Accumulators ((N, Cout, OH, OW), acc_dtype(acc_bits)) of an integer conv2d and its
    overflow events.

    x: (N, Cin, H, W), w: (Cout, Cin/groups, KH, KW), integer. pad_value is the integer
    written into padded positions (the input zero point when the engine feeds raw operands).
    Accumulator options as in `gemm`.
    """
    spec = AccumulatorSpec(acc_bits, overflow, pair_saturate_int16, k_tile)
    x = check_int_operand("x", x, 4)
    w = check_int_operand("w", w, 4)
    sh, sw = _pair("stride", stride)
    ph, pw = _pair("padding", padding)
    dh, dw = _pair("dilation", dilation)
    n_img, c_in, h, wd = x.shape
    c_out, cg, kh, kw = w.shape
    if min(sh, sw, dh, dw) < 1 or min(ph, pw) < 0:
        raise InputError("conv2d stride and dilation must be >= 1 and padding >= 0")
    if not isinstance(groups, (int, np.integer)) or groups < 1 or c_in % groups or \
            c_out % groups or cg != c_in // groups:
        raise InputError(f"conv2d groups={groups!r} does not fit x {x.shape} and w {w.shape}")
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    if oh < 1 or ow < 1:
        raise InputError(f"conv2d output would be empty: x {x.shape}, w {w.shape}")
    out = np.zeros((n_img, c_out, oh, ow), dtype=acc_dtype(spec.acc_bits))
    events = AccumulatorEvents(0, 0, 0)
    k_depth = cg * kh * kw
    rows_per_block = max(1, BLOCK_ELEMS // max(1, k_depth * ow))
    og = c_out // groups
    x = np.ascontiguousarray(x)
    pad = x.dtype.type(pad_value)
    for g in range(groups):
        a = np.ascontiguousarray(w[g * og:(g + 1) * og].reshape(og, k_depth))
        for n in range(n_img):
            for oh0 in range(0, oh, rows_per_block):
                oh1 = min(oh, oh0 + rows_per_block)
                patches = gather_patches(x, n, g * cg, cg, kh, kw, sh, sw, ph, pw, dh, dw,
                                         oh0, oh1, ow, pad)
                acc, ev = gemm_spec(a, patches, spec, impl=impl)
                out[n, g * og:(g + 1) * og, oh0:oh1, :] = acc.reshape(og, oh1 - oh0, ow)
                events = events + ev
    return out, events
