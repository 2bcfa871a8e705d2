"""Hypothesis strategies for integer operands: INT4/INT8 ranges with their extreme values."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from fpxint_sim.kernels.cpu_features import host_has_avx2, host_has_vnni

# (dtype, lo, hi): signed/unsigned INT4 stored in int8, signed/unsigned INT8
RANGES = [(np.int8, -8, 7), (np.int8, 0, 15), (np.int8, -128, 127), (np.uint8, 0, 255)]
EXTREMES = (-128, -8, -1, 0, 1, 7, 8, 15, 127, 128, 255)
FAST_IMPLS = (["avx2"] if host_has_avx2() else []) + (["vnni"] if host_has_vnni() else [])
IMPLS = ["portable", *FAST_IMPLS]


def operand(shape, rng_spec):
    """Array of the given shape in one INT range, biased towards that range's extremes."""
    dtype, lo, hi = rng_spec
    extremes = [v for v in EXTREMES if lo <= v <= hi]
    elems = st.one_of(st.sampled_from(extremes), st.integers(lo, hi))
    return hnp.arrays(dtype, shape, elements=elems)


@st.composite
def gemm_operands(draw, max_m=9, max_k=80, max_n=40):
    """(a, b) with random shapes (including 1 and odd sizes) and random INT ranges."""
    m = draw(st.integers(1, max_m))
    k = draw(st.integers(1, max_k))
    n = draw(st.integers(1, max_n))
    a = draw(operand((m, k), draw(st.sampled_from(RANGES))))
    b = draw(operand((k, n), draw(st.sampled_from(RANGES))))
    return a, b


@st.composite
def large_k_operands(draw, k_max):
    """(a, b) built by numpy from a drawn seed: K up to k_max, values extreme or random."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 19))
    k = draw(st.integers(1, k_max))
    (da, alo, ahi), (db, blo, bhi) = draw(st.sampled_from(RANGES)), draw(st.sampled_from(RANGES))
    kind = draw(st.sampled_from(["extreme", "uniform", "same-sign"]))
    if kind == "extreme":
        a = rng.choice([alo, ahi], size=(m, k))
        b = rng.choice([blo, bhi], size=(k, n))
    elif kind == "same-sign":  # all products push the same way: largest sums
        a = np.full((m, k), ahi)
        b = np.full((k, n), bhi if rng.random() < 0.5 else blo)
    else:
        a = rng.integers(alo, ahi + 1, size=(m, k))
        b = rng.integers(blo, bhi + 1, size=(k, n))
    return a.astype(da), b.astype(db)
