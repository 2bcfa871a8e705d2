"""AVX2 and VNNI paths at their proven limits: worst-case lanes, int32 super-chunks, fallbacks."""

import numpy as np
import pytest
from kernel_strategies import FAST_IMPLS

from fpxint_sim.kernels import exact_matmul, prepack_b, zero_point_correction
from fpxint_sim.kernels.packed_operands import INT16_MIN_ROWS, a_shift_for, b_shift_for

pytestmark = pytest.mark.skipif(not FAST_IMPLS, reason="host has no AVX2")

WORST = [(255, -128, np.uint8, np.int8), (255, 127, np.uint8, np.int8),
         (-128, -128, np.int8, np.int8), (255, 255, np.uint8, np.uint8),
         (-8, -8, np.int8, np.int8), (15, -128, np.int8, np.int8), (0, 255, np.uint8, np.uint8)]


@pytest.mark.parametrize("impl", FAST_IMPLS)
@pytest.mark.parametrize(("av", "bv", "da", "db"), WORST)
@pytest.mark.parametrize("k", [1, 31, 32, 33, 257, 1021])
@pytest.mark.parametrize("m", [7, INT16_MIN_ROWS])  # AVX2 8-bit A: nibble split, then int16
def test_worst_case_same_sign_operands_stay_exact(impl, av, bv, da, db, k, m):
    """All products equal and extreme: every int16 lane reaches its bound g_step * 2*15*|B'|
    (AVX2 nibbles), every int32 lane gets 4 * 255 * 128-sized steps (VNNI) or 2 * 255 * 255
    (AVX2 int16)."""
    a = np.full((m, k), av, dtype=da)
    b = np.full((k, 35), bv, dtype=db)
    np.testing.assert_array_equal(exact_matmul(a, b, impl=impl),
                                  a.astype(np.int64) @ b.astype(np.int64))


@pytest.mark.parametrize("impl", FAST_IMPLS)
@pytest.mark.parametrize(("m", "k"), [(4, 65536), (4, 65536 + 4 * 3 + 1),
                                      (INT16_MIN_ROWS, 32768), (INT16_MIN_ROWS, 32768 + 3)])
def test_int32_superchunk_boundary_is_exact(impl, m, k):
    """One int32 chunk at its bound (65536 K of 255 * 128 for byte words, 32768 K for the
    int16 words of the AVX2 path with many rows), then two chunks."""
    a = np.full((m, k), 255, dtype=np.uint8)
    b = np.full((k, 17), -128, dtype=np.int8)
    np.testing.assert_array_equal(exact_matmul(a, b, impl=impl),
                                  a.astype(np.int64) @ b.astype(np.int64))


@pytest.mark.parametrize("impl", FAST_IMPLS)
def test_wide_operands_fall_back_to_portable_exactly(impl):
    """9-bit (zero-point-subtracted) operands do not fit a byte: the exact portable path runs."""
    rng = np.random.default_rng(0)
    a = rng.integers(-255, 256, (5, 70)).astype(np.int16)
    b = rng.integers(-300, 300, (70, 9)).astype(np.int16)
    assert a_shift_for(-255, 255) is None and prepack_b(b) is None
    np.testing.assert_array_equal(exact_matmul(a, b, impl=impl),
                                  a.astype(np.int64) @ b.astype(np.int64))


def test_operand_shifts_cover_every_int4_and_int8_range():
    assert [a_shift_for(lo, hi) for lo, hi in [(0, 15), (-8, 7), (-128, 127), (0, 255)]] == \
        [0, 8, 128, 0]
    assert [b_shift_for(lo, hi) for lo, hi in [(-8, 7), (0, 15), (-128, 127), (0, 255)]] == \
        [0, 0, 0, 128]


def test_zero_point_correction_gives_the_product_of_shifted_operands():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 256, (6, 50)).astype(np.uint8)
    b = rng.integers(-128, 128, (50, 8)).astype(np.int8)
    za, zb = 131, rng.integers(-5, 5, 8)
    got = exact_matmul(a, b) + zero_point_correction(a, b, za, zb)
    ref = (a.astype(np.int64) - za) @ (b.astype(np.int64) - zb[None, :])
    np.testing.assert_array_equal(got, ref)
