"""expand_tensor's options and its refusal of bad input."""

import numpy as np
import pytest
import torch

import fpxint_sim as F


def test_per_channel_scales_live_on_the_channel_axis():
    x = np.random.default_rng(0).standard_normal((3, 4, 5)) * np.array([1, 10, 100, 1000, 1e4])
    for axis in (0, 1, 2, -1):
        s = F.expand_tensor(x, terms=2, axis=axis)
        shape = [1, 1, 1]
        shape[axis % 3] = x.shape[axis]
        assert all(t.scale.shape == tuple(shape) for t in s.terms)
    per_ch = F.expand_tensor(x, terms=1, axis=2)
    per_t = F.expand_tensor(x, terms=1)
    assert np.sum(per_ch.residual**2) < np.sum(per_t.residual**2)  # small channels gain


def test_asymmetric_terms_are_unsigned_with_zero_points_and_fit_one_signed_data_better():
    x = np.abs(np.random.default_rng(1).standard_normal(1000))
    s = F.expand_tensor(x, bits=4, terms=1, symmetric=False)
    t = s.terms[0]
    assert t.q.dtype == np.uint8 and t.q.min() >= 0 and t.q.max() <= 15 and not t.signed
    sym = F.expand_tensor(x, bits=4, terms=1)
    assert np.abs(s.residual).max() < np.abs(sym.residual).max()


def test_torch_tensors_are_accepted_and_give_the_same_series():
    x = np.random.default_rng(2).standard_normal((4, 6)).astype(np.float32)
    a = F.expand_tensor(x, terms=3, axis=0)
    b = F.expand_tensor(torch.from_numpy(x), terms=3, axis=0)
    assert a.same_terms(b)


def test_laplace_clip_shrinks_the_first_scale_and_later_terms_absorb_the_clipped_part():
    x = np.random.default_rng(3).laplace(size=20000)
    clipped = F.expand_tensor(x, bits=4, terms=4, clip="laplace")
    plain = F.expand_tensor(x, bits=4, terms=4)
    assert clipped.terms[0].scale.item() < plain.terms[0].scale.item()
    first_c = F.expand_tensor(x, bits=4, terms=1, clip="laplace").value()
    first_p = F.expand_tensor(x, bits=4, terms=1).value()
    assert np.mean((first_c - x) ** 2) < np.mean((first_p - x) ** 2)  # the point of the clip
    assert np.abs(clipped.residual).max() < 1e-2  # absorbed by terms 2..4


def test_pow2_scales_are_powers_of_two():
    x = np.random.default_rng(4).standard_normal((5, 7))
    s = F.expand_tensor(x, terms=4, axis=0, scale_policy="pow2")
    for t in s.terms:
        m, _ = np.frexp(t.scale)
        assert np.all((m == 0.5) | (t.scale == 0))


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"x": [1.0, np.nan]}, "NaN"),
    ({"x": [1.0, np.inf]}, "inf"),
    ({"x": np.zeros((0, 3))}, "empty"),
    ({"x": [1.0], "bits": 1}, "bits=1"),
    ({"x": [1.0], "bits": 9}, "bits=9"),
    ({"x": [1.0], "bits": 4.0}, "bits must be an integer"),
    ({"x": [1.0], "tol": 0.0}, "tol"),
    ({"x": [1.0], "tol": -1e-4}, "tol"),
    ({"x": [1.0], "terms": 0}, "terms"),
    ({"x": [1.0], "axis": 3}, "axis"),
    ({"x": [1.0], "scale_policy": "log"}, "scale_policy"),
    ({"x": [1.0], "clip": "gauss"}, "clip"),
    ({"x": ["a"]}, "numeric"),
])
def test_bad_input_gets_one_clear_error(kwargs, match):
    x = kwargs.pop("x")
    with pytest.raises(F.InputError, match=match):
        F.expand_tensor(x, name="w", **kwargs)
