"""The greedy series converges as docs/series.md says: exactly, not within a tolerance."""

from fractions import Fraction
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from series_strategies import exact_terms, tensors, to_fractions

import fpxint_sim as F


@given(x=tensors(max_exp=300), bits=st.integers(2, 8), n=st.integers(1, 5),
       symmetric=st.booleans(), policy=st.sampled_from(["free", "pow2"]),
       axis=st.one_of(st.none(), st.integers(0, 2)))
def test_every_residual_is_at_most_half_its_terms_scale(x, bits, n, symmetric, policy, axis):
    axis = None if axis is None or axis >= x.ndim else axis
    s = F.expand_tensor(x, bits=bits, terms=n, symmetric=symmetric, axis=axis, scale_policy=policy)
    for k in range(1, len(s) + 1):
        r_k = F.expand_tensor(x, bits=bits, terms=k, symmetric=symmetric, axis=axis,
                              scale_policy=policy).residual
        scale = np.broadcast_to(s.terms[k - 1].scale, x.shape)
        assert np.all(2.0 * np.abs(r_k) <= scale)  # 2|r| is exact: a power-of-two scaling


@given(x=tensors(max_exp=300), bits=st.integers(2, 8), n=st.integers(1, 5),
       axis=st.one_of(st.none(), st.integers(0, 2)))
def test_error_after_n_symmetric_terms_is_at_most_max_x_times_rho_to_the_n(x, bits, n, axis):
    axis = None if axis is None or axis >= x.ndim else axis
    s = F.expand_tensor(x, bits=bits, terms=n, axis=axis)
    bound = Fraction(float(np.abs(x).max())) / Fraction(2**bits - 2) ** n
    assert Fraction(float(np.abs(s.residual).max())) <= bound


@given(x=tensors(max_exp=300), bits=st.integers(2, 8), n=st.integers(1, 5),
       symmetric=st.booleans(), policy=st.sampled_from(["free", "pow2"]))
def test_terms_plus_residual_reproduce_x_exactly(x, bits, n, symmetric, policy):
    s = F.expand_tensor(x, bits=bits, terms=n, symmetric=symmetric, scale_policy=policy)
    assert np.all(exact_terms(s) + to_fractions(s.residual) == to_fractions(x))


@given(x=tensors(max_exp=4), tol=st.sampled_from([1e-1, 1e-4, 1e-8]),
       bits=st.integers(2, 8), cap=st.integers(1, 12))
def test_tol_stops_at_the_first_term_below_tol(x, tol, bits, cap):
    s = F.expand_tensor(x, bits=bits, tol=tol, max_terms=cap)
    hist = [float(np.abs(x).max()), *s.residual_max]
    assert len(s) <= cap and len(hist) == len(s) + 1
    assert all(h >= tol for h in hist[:-1])  # it did not stop early
    assert hist[-1] < tol or len(s) == cap  # and it stopped as soon as it could
    assert float(np.abs(s.residual).max()) == hist[-1]


def test_terms_shrink_about_fourteenfold_per_int4_term():
    x = np.random.default_rng(0).standard_normal(20000)
    s = F.expand_tensor(x, bits=4, terms=6)
    ratios = np.array(s.residual_max[:-1]) / np.array(s.residual_max[1:])
    assert np.all(ratios >= 14.0)  # each step divides by at least 2^b - 2 (exact bound above)


def test_int8_tensor_is_reproduced_exactly_by_three_int4_pow2_terms():
    x = np.arange(-128, 128, dtype=np.float64) * 2.0**-7  # every INT8 value, pow2 scale
    s = F.expand_tensor(x, bits=4, tol=1e-300, max_terms=8, scale_policy="pow2")
    assert len(s) == 3 and np.array_equal(s.value(), x) and not s.residual.any()
    two = F.expand_tensor(x, bits=4, terms=2, scale_policy="pow2")
    assert two.residual.any()  # two terms are not enough for the full INT8 range
    scales = [float(t.scale.ravel()[0]) for t in s.terms]
    assert all(np.log2(a / b) == int(np.log2(a / b)) >= 1 for a, b in pairwise(scales))


@given(q8=st.lists(st.integers(-128, 127), min_size=1, max_size=40), e=st.integers(-20, 20))
def test_any_int8_tensor_with_pow2_scale_needs_at_most_three_int4_pow2_terms(q8, e):
    x = np.ldexp(np.array(q8, dtype=np.float64), e)
    s = F.expand_tensor(x, bits=4, terms=3, scale_policy="pow2")
    assert np.array_equal(s.value(), x)


@pytest.mark.parametrize("policy", ["free", "pow2"])
def test_zero_residual_ends_the_series(policy):
    x = np.array([2.0, -2.0, 0.0])  # exactly one 2-bit term, free or pow2 (scale 2)
    s = F.expand_tensor(x, bits=2, terms=5, scale_policy=policy)
    assert len(s) == 1 and np.array_equal(s.value(), x)
    assert len(F.expand_tensor(np.zeros(4), terms=3)) == 0


def test_with_tol_each_row_stops_on_its_own_so_rows_do_not_depend_on_each_other():
    rng = np.random.default_rng(5)
    small, big = rng.standard_normal(30) * 1e-3, rng.standard_normal(30) * 10.0
    both = F.expand_tensor(np.stack([small, big]), tol=1e-4, axis=0)
    alone = F.expand_tensor(small[None], tol=1e-4, axis=0)
    assert np.array_equal(both.value()[0], alone.value()[0])  # batch-invariant
    assert len(both) > len(alone)
    for t in both.terms[len(alone):]:  # the small row had stopped: zero terms there
        assert t.scale.ravel()[0] == 0 and not t.centered()[0].any()
