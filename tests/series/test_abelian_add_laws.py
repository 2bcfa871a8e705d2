"""AbelianAdd is an Abelian group on series of one shape, and value() is a homomorphism."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from series_strategies import bits_equal, exact_terms, rounded, series_of, shapes

import fpxint_sim as F


@st.composite
def series_triple(draw):
    shape = draw(shapes)
    return tuple(draw(series_of(shape)) for _ in range(3))


@given(series_triple())
def test_add_closure_gives_a_series_of_the_same_shape_with_integer_terms(abc):
    a, b, _ = abc
    s = F.abelian_add(a, b)
    assert isinstance(s, F.Series) and s.shape == a.shape and len(s) == len(a) + len(b)
    assert all(t.q.dtype.kind in "iu" and t.q.shape == a.shape for t in s.terms)


@given(series_triple())
def test_add_is_commutative_as_multisets_and_in_value_bits(abc):
    a, b, _ = abc
    ab, ba = F.abelian_add(a, b), F.abelian_add(b, a)
    assert ab.same_terms(ba)
    assert bits_equal(ab.value(), ba.value())


@given(series_triple())
def test_add_is_associative_as_multisets_and_in_value_bits(abc):
    a, b, c = abc
    left = F.abelian_add(F.abelian_add(a, b), c)
    right = F.abelian_add(a, F.abelian_add(b, c))
    assert left.same_terms(right)
    assert bits_equal(left.value(), right.value())


@given(series_triple())
def test_add_identity_is_the_empty_series(abc):
    a = abc[0]
    zero = F.zero_series(a.shape)
    assert F.abelian_add(a, zero).same_terms(a) and F.abelian_add(zero, a).same_terms(a)
    assert bits_equal(zero.value(), np.zeros(a.shape))


@given(series_triple())
def test_add_inverse_gives_exact_zeros(abc):
    a = abc[0]
    v = F.abelian_add(a, F.abelian_neg(a)).value()
    assert bits_equal(v, np.zeros(a.shape))  # +0.0 everywhere, not merely small
    assert np.array_equal(F.abelian_neg(a).value(), -a.value())  # exact; zero keeps +0.0


@given(series_triple())
def test_value_is_a_homomorphism_for_add_correctly_rounded(abc):
    a, b, _ = abc
    exact = exact_terms(a) + exact_terms(b)
    assert bits_equal(F.abelian_add(a, b).value(), rounded(exact))
    assert bits_equal(a.value(), rounded(exact_terms(a)))


def test_value_does_not_depend_on_term_order_where_naive_summation_would():
    # 1 + 2^-53 + 2^-53: left-to-right float addition loses both halves, the exact sum doesn't.
    one = F.expand_tensor(np.array([1.0]), bits=2, terms=1)
    tiny = F.expand_tensor(np.array([2.0**-53]), bits=2, terms=1)
    s1 = F.abelian_add(F.abelian_add(one, tiny), tiny)
    s2 = F.abelian_add(tiny, F.abelian_add(tiny, one))
    assert s1.value()[0] == s2.value()[0] == 1.0 + 2.0**-52
