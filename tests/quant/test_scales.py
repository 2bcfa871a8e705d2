"""Scale storage: 24-bit significands, directed rounding, exact products of two scales."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from fpxint_sim.quant import qrange, round_scale_down, round_scale_up
from fpxint_sim.quant.scales import significand_bits

positive = st.floats(1e-250, 1e250, allow_nan=False, allow_infinity=False)


@given(positive)
def test_rounded_scales_have_24_bit_significands_and_bracket_the_value(v):
    lo, hi = round_scale_down(v), round_scale_up(v)
    assert lo <= v <= hi and significand_bits(lo) <= 24 and significand_bits(hi) <= 24
    assert hi == lo or hi == np.nextafter(lo, np.inf) or (hi - lo) / lo <= 2.0**-23


@given(st.floats(1e-150, 1e150), st.floats(1e-150, 1e150), st.integers(-255, 255))
def test_two_scales_times_a_term_integer_multiply_exactly(a, b, q):
    # (within the normal range: products of 1e-150..1e150 neither overflow nor underflow)
    sa, sb = float(round_scale_down(a)), float(round_scale_down(b))
    from fractions import Fraction

    assert Fraction(sa * sb) == Fraction(sa) * Fraction(sb)
    assert Fraction(sa * q) == Fraction(sa) * q


def test_integer_ranges():
    assert qrange(4, True) == (-7, 7) and qrange(4, False) == (0, 15)
    assert qrange(8, True) == (-127, 127) and qrange(2, True) == (-1, 1)
