"""Operands in a non-native byte order (big-endian int16 from a file) give the same bits as
native ones in gemm and conv2d, on every arithmetic, instead of crashing inside Numba."""

import numpy as np
import pytest

from fpxint_sim.kernels import conv2d, gemm


@pytest.mark.parametrize("overflow, pairs", [("wrap", False), ("saturate", False),
                                             ("wrap", True)])
def test_big_endian_operands_give_the_native_bits(overflow, pairs):
    rng = np.random.default_rng(5)
    a = rng.integers(0, 256 if pairs else 300, (7, 33)).astype(">i2")
    b = rng.integers(-128, 128, (33, 5)).astype(">i2")
    got = gemm(a, b, acc_bits=16, overflow=overflow, pair_saturate_int16=pairs)
    want = gemm(a.astype(np.int16), b.astype(np.int16), acc_bits=16, overflow=overflow,
                pair_saturate_int16=pairs)
    assert np.array_equal(got[0], want[0]) and got[1] == want[1]
    if not pairs and overflow == "wrap":
        exact = a.astype(np.int64) @ b.astype(np.int64)
        assert np.array_equal(got[0], ((exact + 2**15) % 2**16) - 2**15)


def test_big_endian_conv_operands_give_the_native_bits():
    rng = np.random.default_rng(6)
    x = rng.integers(-9, 9, (2, 3, 6, 6)).astype(">i2")
    w = rng.integers(-7, 8, (4, 3, 3, 3)).astype(">i2")
    got = conv2d(x, w, padding=1)
    want = conv2d(x.astype(np.int16), w.astype(np.int16), padding=1)
    assert np.array_equal(got[0], want[0])
