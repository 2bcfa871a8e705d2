"""AbelianMul for mul, matmul and conv2d: closure, commutativity of the jobs, associativity,
distributivity over AbelianAdd, identity, and the homomorphism value(a (x) b) = op(a, b), exact."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from series_strategies import bits_equal, exact_terms, rounded, series_of

import fpxint_sim as F

dims = st.integers(1, 4)


@st.composite
def operands(draw, op, policy=None, n=2):
    """n series whose shapes fit op, with scales laid out the op can factor."""
    if op == "mul":
        shape = draw(st.tuples(dims, dims))
        return [draw(series_of(shape, policy)) for _ in range(n)], {}
    if op == "matmul":
        sizes = [draw(dims) for _ in range(n + 1)]
        out = []
        for i in range(n):
            shape = (sizes[i], sizes[i + 1])
            x = draw(series_of(shape, policy, axes=False))
            out.append(x)
        return out, {}
    c, o, k = draw(dims), draw(dims), draw(st.integers(1, 3))
    h = draw(st.integers(k, k + 3))
    args = {"stride": draw(st.integers(1, 2)), "padding": draw(st.integers(0, 1))}
    x = draw(series_of((draw(st.integers(1, 2)), c, h, h), policy, axes=False))
    w = draw(series_of((o, c, k, k), policy, axes=False))
    return [x, w], args


def conv_exact(x, w, stride=1, padding=0):
    """The definition of conv2d (NCHW x OIHW, zero padding, groups 1) as plain loops over
    exact Fractions: independent of the library's int_ops.conv2d, which the law checks."""
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.full((n, c, h + 2 * padding, wd + 2 * padding), Fraction(0), dtype=object)
    xp[:, :, padding:padding + h, padding:padding + wd] = x
    ho, wo = (h + 2 * padding - kh) // stride + 1, (wd + 2 * padding - kw) // stride + 1
    out = np.full((n, o, ho, wo), Fraction(0), dtype=object)
    for b, oc, y, z in itertools.product(range(n), range(o), range(ho), range(wo)):
        out[b, oc, y, z] = sum((xp[b, ci, y * stride + i, z * stride + j] * w[oc, ci, i, j]
                                for ci, i, j in itertools.product(range(c), range(kh),
                                                                  range(kw))), Fraction(0))
    return out


EXACT_OPS = {"mul": np.multiply, "matmul": np.matmul, "conv2d": conv_exact}


@pytest.mark.parametrize("op", ["mul", "matmul", "conv2d"])
@given(data=st.data())
def test_mul_closure_and_homomorphism_exact(op, data):
    (a, b), args = data.draw(operands(op))
    p = F.abelian_mul(a, b, op, **args)
    assert isinstance(p, F.Series) and len(p) == len(a) * len(b)
    assert all(t.q.dtype == np.int64 and t.q.shape == p.shape for t in p.terms)
    exact = EXACT_OPS[op](exact_terms(a), exact_terms(b), **args)
    assert bits_equal(p.value(), rounded(exact))


@given(data=st.data())
def test_elementwise_mul_is_commutative_as_multisets(data):
    (a, b), _ = data.draw(operands("mul"))
    assert F.abelian_mul(a, b, "mul").same_terms(F.abelian_mul(b, a, "mul"))


@pytest.mark.parametrize("op", ["mul", "matmul", "conv2d"])
@given(data=st.data())
def test_mul_jobs_commute_any_job_order_gives_the_same_bits(op, data):
    (a, b), args = data.draw(operands(op))
    p = F.abelian_mul(a, b, op, **args)
    order = data.draw(st.permutations(range(len(p))))
    shuffled = F.Series(p.shape, tuple(p.terms[i] for i in order))
    assert bits_equal(shuffled.value(), p.value())


@pytest.mark.parametrize("op", ["mul", "matmul"])
@given(data=st.data())
def test_mul_is_associative_with_pow2_scales(op, data):
    # pow2 scales make every scale product exact, so both groupings give identical terms.
    (a, b, c), _ = data.draw(operands(op, policy="pow2", n=3))
    left = F.abelian_mul(F.abelian_mul(a, b, op), c, op)
    right = F.abelian_mul(a, F.abelian_mul(b, c, op), op)
    assert left.same_terms(right)
    assert bits_equal(left.value(), right.value())


@pytest.mark.parametrize("op", ["mul", "matmul", "conv2d"])
@given(data=st.data())
def test_mul_distributes_over_add(op, data):
    (a, b), args = data.draw(operands(op))
    c = data.draw(series_of(b.shape, axes=False))
    left = F.abelian_mul(a, F.abelian_add(b, c), op, **args)
    right = F.abelian_add(F.abelian_mul(a, b, op, **args), F.abelian_mul(a, c, op, **args))
    assert left.same_terms(right)
    if op == "mul":  # right distributivity too (the op is symmetric in its arguments)
        left = F.abelian_mul(F.abelian_add(b, c), a, op)
        right = F.abelian_add(F.abelian_mul(b, a, op), F.abelian_mul(c, a, op))
        assert left.same_terms(right)


@pytest.mark.parametrize("op", ["mul", "matmul", "conv2d"])
@given(data=st.data())
def test_mul_identity_has_value_one_and_leaves_values_unchanged(op, data):
    (a, _), _ = data.draw(operands(op))
    p = F.abelian_mul(a, F.one_series(op, a.shape), op)
    assert bits_equal(p.value(), a.value())


def test_mul_refuses_an_inexact_scale_product():
    rng = np.random.default_rng(1)
    a = F.expand_tensor(rng.standard_normal((3, 3)), terms=1)
    ab = F.abelian_mul(a, a, "mul")  # 48-bit scales: still exact
    with pytest.raises(F.InputError, match="not exact"):
        F.abelian_mul(ab, ab, "mul")


def test_matmul_rejects_scales_that_vary_along_k():
    rng = np.random.default_rng(2)
    a = F.expand_tensor(rng.standard_normal((2, 3)), terms=1, axis=1)
    b = F.expand_tensor(rng.standard_normal((3, 2)), terms=1)
    with pytest.raises(F.InputError, match="contracted axis"):
        F.abelian_mul(a, b, "matmul")
