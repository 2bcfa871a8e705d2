"""The fold-order fp32 kernel: each output is the declared ordered sum, and the order shows."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fpxint_sim.kernels.float_formats import round_to_format
from fpxint_sim.kernels.fp32_fold_gemm import COL_BLOCK, fold_gemm


def _scalar_fold_sum(a, b, fold):
    """The declared order element by element, in numpy float32 scalars (slow, obvious)."""
    out = np.zeros((a.shape[0], b.shape[1]), dtype=np.float32)
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            total = np.float32(0.0)
            for k0 in range(0, a.shape[1], fold):
                part = np.float32(0.0)
                for k in range(k0, min(a.shape[1], k0 + fold)):
                    part = np.float32(part + np.float32(a[i, k] * b[k, j]))
                total = np.float32(total + part)
            out[i, j] = total
    return out


def _operands(seed, m, k, n, spread=8.0):
    """fp16-rounded activations over a wide exponent range and INT4 weight values."""
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal((m, k)) * np.exp2(rng.uniform(-spread, spread, (m, k))))
    a = round_to_format(a.astype(np.float32), "fp16")
    b = rng.integers(-7, 8, (k, n)).astype(np.float32)
    return a, b


@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(1, 40), st.integers(1, 6),
       st.integers(1, 50))
def test_kernel_follows_the_declared_order(seed, m, k, n, fold):
    a, b = _operands(seed, m, k, n)
    got = fold_gemm(a[None], b[None], fold)[0]
    assert np.array_equal(got.view(np.uint32), _scalar_fold_sum(a, b, fold).view(np.uint32))


def test_one_row_split_into_column_blocks():
    """A decode step (one row) runs as several column blocks; each keeps the order."""
    a, b = _operands(4, 1, 37, COL_BLOCK * 2 + 5)
    got = fold_gemm(a[None], b[None], 10)[0]
    assert np.array_equal(got.view(np.uint32), _scalar_fold_sum(a, b, 10).view(np.uint32))


def test_batched_groups_are_independent_products():
    a0, b0 = _operands(1, 3, 20, 4)
    a1, b1 = _operands(2, 3, 20, 4)
    got = fold_gemm(np.stack([a0, a1]), np.stack([b0, b1]), 7)
    assert np.array_equal(got[0], _scalar_fold_sum(a0, b0, 7))
    assert np.array_equal(got[1], _scalar_fold_sum(a1, b1, 7))


def test_the_fold_size_changes_the_result():
    """Without this the equality tests could pass with any order: on these inputs folds of
    16, folds of 128 and one sequential sum give different floats."""
    a, b = _operands(0, 8, 300, 8, spread=12.0)
    results = {fold: fold_gemm(a[None], b[None], fold)[0] for fold in (16, 128, 300)}
    assert not np.array_equal(results[16], results[128])
    assert not np.array_equal(results[128], results[300])
    assert not np.array_equal(results[16], results[300])


def test_bad_shapes_and_folds_are_refused():
    a = np.zeros((1, 2, 3), dtype=np.float32)
    with pytest.raises(ValueError, match="do not match"):
        fold_gemm(a, np.zeros((1, 4, 2), dtype=np.float32), 2)
    with pytest.raises(ValueError, match="fold must be"):
        fold_gemm(a, np.zeros((1, 3, 2), dtype=np.float32), 0)


def test_empty_reduction_gives_positive_zeros():
    out = fold_gemm(np.zeros((1, 2, 0), dtype=np.float32), np.zeros((1, 0, 3), np.float32), 4)
    assert out.shape == (1, 2, 3) and not np.signbit(out).any() and not out.any()


def test_products_round_before_the_add_and_subnormals_are_kept():
    """bf16 x bf16 products can fall below fp32's normal range and round: 2^-74 * 2^-75 =
    2^-149 (the smallest subnormal) and 2^-75 * 2^-75 = 2^-150 rounds to 0 (a tie, to even),
    so the sum is 2^-149. A fused multiply-add would give 2^-148 (the tie of 1.5 x 2^-149
    goes to even), flushing subnormals would give 0: both are not the declared arithmetic."""
    a = np.array([[[2.0**-74, 2.0**-75]]], dtype=np.float32)
    bt = np.array([[[2.0**-75], [2.0**-75]]], dtype=np.float32)
    assert fold_gemm(a, bt, 2)[0, 0, 0] == np.float32(2.0**-149)
