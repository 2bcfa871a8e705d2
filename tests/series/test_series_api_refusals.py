"""The series API refuses what it cannot represent instead of answering wrongly: ranges past
float64, complex input, non-series operands, identities of impossible shapes; and a fixed term
count stops once no b-bit term can reduce the residual."""

import numpy as np
import pytest
import torch

import fpxint_sim as F


def test_an_asymmetric_range_past_float64_is_refused_and_a_symmetric_one_is_exact():
    x = np.array([1.7e308, -1.7e308, 1.0])
    with pytest.raises(F.InputError, match="wider than float64 can scale"):
        F.expand_tensor(x, symmetric=False, terms=2)
    s = F.expand_tensor(x, symmetric=True, terms=3)
    assert all(np.isfinite(t.scale).all() and t.scale.max() > 0 for t in s.terms)
    assert np.isfinite(s.residual).all()
    # the first term holds the two huge values exactly: what is left of them is 0
    assert s.residual[0] == 0.0 and s.residual[1] == 0.0


@pytest.mark.parametrize("x", [np.array([1 + 2j, 3.0]), torch.tensor([1 + 2j, 3.0]),
                               [1.0, 2j], np.array([1.0, 2.0], dtype=np.complex64)])
def test_complex_input_is_refused_not_truncated_to_its_real_part(x):
    with pytest.raises(F.InputError, match="complex values"):
        F.expand_tensor(x, terms=1)


@pytest.mark.parametrize("symmetric", [True, False])
def test_a_huge_term_count_stops_when_no_term_can_reduce_the_residual(symmetric):
    x = np.array([1.0, 0.5, 0.3, -0.7])
    s = F.expand_tensor(x, bits=4, terms=10**6, symmetric=symmetric)
    assert 1 < len(s) < 200
    assert all(t.scale.max() > 0 for t in s.terms)  # no zero-scale term at the end
    # stopped at the floor: a symmetric 4-bit term needs 7 s <= max|r| with s >= the smallest
    # subnormal; an unsigned one rounds its scale up, so it runs to an exactly zero residual
    floor = 7 * np.nextafter(0.0, 1.0) if symmetric else np.nextafter(0.0, 1.0)
    assert np.abs(s.residual).max() < floor


def test_algebra_operands_must_be_series():
    s = F.expand_tensor(np.ones((2, 2)), terms=1)
    with pytest.raises(F.InputError, match="b must be a Series"):
        F.abelian_add(s, np.zeros((2, 2)))
    with pytest.raises(F.InputError, match="a must be a Series"):
        F.abelian_neg(np.zeros((2, 2)))
    with pytest.raises(F.InputError, match="b must be a Series"):
        F.abelian_mul(s, 2.0, "mul")


@pytest.mark.parametrize("op, shape, match", [
    ("matmul", (), "not the left operand's"),
    ("matmul", (5,), "not the left operand's"),
    ("conv2d", (3,), "NCHW"),
    ("conv2d", (1, 2, 3), "NCHW"),
    ("mul", (2, -1), "integers >= 0"),
    ("mul", 5, "tuple of sizes"),
    ("matmul", (1, 10**7), "more than"),
    ("mul", (10**6, 10**6), "more than"),
    ("pow", (2, 2), "unknown op"),
])
def test_one_series_refuses_shapes_it_cannot_build(op, shape, match):
    with pytest.raises(F.InputError, match=match):
        F.one_series(op, shape)
