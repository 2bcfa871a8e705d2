"""One-term quantization: the first term of a series, for users who reach for a plain quantizer.

It lives in `series` (not `quant`) because it is the series with one term: quant stays below
series in the import graph (docs/design.md 4).
"""

from __future__ import annotations

import numpy as np

from fpxint_sim.series.expand import expand_tensor


def quantize(x, bits: int = 4, symmetric: bool = True, axis: int | None = None, clip=None):
    """One-term quantization of x: returns (q, scale, zero_point), value = scale * (q - zero_point).

    Same arithmetic as the first term of `fpxint_sim.expand_tensor` (terms=1), exposed on its own
    because users reach for a plain quantizer first.
    """
    s = expand_tensor(x, bits=bits, terms=1, symmetric=symmetric, axis=axis, clip=clip)
    if len(s) == 0:  # all-zero input
        ones = (1,) * len(s.shape)
        return np.zeros(s.shape, np.int8), np.zeros(ones), np.zeros(ones, np.int64)
    t = s.terms[0]
    return t.q, t.scale, t.zero_point
