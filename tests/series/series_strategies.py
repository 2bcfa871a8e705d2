"""Hypothesis strategies for tensors and series, plus exact (Fraction) references."""

from fractions import Fraction

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fpxint_sim as F

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)
# |x| in [1e-30, 1] or 0: with the power-of-two scaling below, values stay within 2^-500..2^400,
# so even products of three scales stay in the normal range (docs/series.md: exact range).
unit = st.one_of(st.floats(1e-30, 1.0), st.floats(-1.0, -1e-30), st.just(0.0))
# Special values: zeros, constants, one-signed tensors and single spikes all appear.
elements = st.one_of(unit, st.sampled_from([0.0, 1.0, -1.0, 0.5, 1e-12]))


@st.composite
def tensors(draw, shape=None, max_exp=400):
    """Float64 tensors of assorted shape, scaled by an exact power of two (huge to tiny)."""
    shp = draw(shapes) if shape is None else shape
    x = draw(hnp.arrays(np.float64, shp, elements=elements))
    kind = draw(st.sampled_from(["any", "zero", "const", "nonneg"]))
    if kind == "zero":
        x = np.zeros(shp)
    elif kind == "const":
        x = np.full(shp, draw(unit))
    elif kind == "nonneg":
        x = np.abs(x)
    return np.ldexp(x, draw(st.integers(-max_exp, max_exp)))


@st.composite
def series_of(draw, shape, policy=None, max_exp=200, axes=True):
    x = draw(tensors(shape=shape, max_exp=max_exp))
    axis = draw(st.one_of(st.none(), st.integers(0, len(shape) - 1))) if axes else None
    return F.expand_tensor(
        x, bits=draw(st.integers(2, 8)), terms=draw(st.integers(1, 3)),
        symmetric=draw(st.booleans()), axis=axis,
        scale_policy=policy or draw(st.sampled_from(["free", "pow2"])))


def exact_terms(series) -> np.ndarray:
    """The exact value of a series as an object array of Fractions (small tensors only)."""
    out = np.full(series.shape, Fraction(0), dtype=object)
    for t in series.terms:
        d = t.centered().astype(object)
        s = np.vectorize(Fraction, otypes=[object])(np.broadcast_to(t.scale, series.shape))
        out = out + s * np.vectorize(int, otypes=[object])(d)
    return out


def to_fractions(x) -> np.ndarray:
    return np.vectorize(Fraction, otypes=[object])(np.asarray(x, dtype=np.float64))


def rounded(exact: np.ndarray) -> np.ndarray:
    """Fractions rounded to the nearest float64 (Fraction.__float__ rounds correctly)."""
    return np.vectorize(float, otypes=[np.float64])(exact).reshape(np.shape(exact))


def bits_equal(a, b) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.array_equal(a.view(np.int64), b.view(np.int64))
