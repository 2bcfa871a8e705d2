"""`quantize` is the first term of the series: the same integers, scale and zero point."""

import numpy as np

from fpxint_sim.series import expand_tensor, quantize


def test_quantize_equals_first_series_term():
    x = np.random.default_rng(3).standard_normal((6, 5))
    q, s, z = quantize(x, bits=4, axis=0)
    t = expand_tensor(x, bits=4, terms=1, axis=0).terms[0]
    assert np.array_equal(q, t.q) and np.array_equal(s, t.scale)
    assert np.array_equal(z, t.zero_point)
    assert np.abs(q).max() <= 7


def test_quantize_of_zeros_is_zero_with_zero_scale():
    q, s, z = quantize(np.zeros((2, 3)), bits=4)
    assert not q.any() and not s.any() and not z.any()
