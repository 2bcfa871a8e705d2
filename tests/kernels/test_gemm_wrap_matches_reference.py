"""Wrap accumulators: gemm == int64 matmul reduced modulo 2**acc_bits, events included."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kernel_reference import pair_wrap_reference, wrap_reference
from kernel_strategies import IMPLS, gemm_operands, large_k_operands

from fpxint_sim.kernels import gemm, prepack_b

ACC_BITS = st.sampled_from([16, 17, 20, 24, 31, 32, 64])


@pytest.mark.parametrize("impl", IMPLS)
@given(ops=gemm_operands(), acc_bits=ACC_BITS)
def test_wrap_equals_modular_int64_matmul(impl, ops, acc_bits):
    a, b = ops
    acc, events = gemm(a, b, acc_bits=acc_bits, overflow="wrap", impl=impl)
    ref, n_over = wrap_reference(a, b, acc_bits)
    assert acc.dtype == (np.int32 if acc_bits <= 32 else np.int64)  # acc_dtype contract
    np.testing.assert_array_equal(acc, ref)
    assert events.overflow == n_over
    assert events.outputs == a.shape[0] * b.shape[1]


@pytest.mark.parametrize("impl", IMPLS)
@given(ops=large_k_operands(k_max=3000), acc_bits=st.sampled_from([16, 18, 24, 32]))
def test_wrap_counts_every_16_bit_overflow(impl, ops, acc_bits):
    a, b = ops
    acc, events = gemm(a, b, acc_bits=acc_bits, impl=impl)
    ref, n_over = wrap_reference(a, b, acc_bits)
    np.testing.assert_array_equal(acc, ref)
    assert events.overflow == n_over


@pytest.mark.parametrize("impl", IMPLS)
def test_wrap_32_bit_overflow_beyond_int32_superchunk(impl):
    """K = 70001 > 65536: the int32 super-chunks must add up exactly before wrapping."""
    k = 70001
    a = np.full((2, k), 255, dtype=np.uint8)
    b = np.stack([np.full(k, 127), np.full(k, -128), np.resize([127, -128], k)], 1).astype(np.int8)
    for bits in (32, 64):
        acc, events = gemm(a, b, acc_bits=bits, impl=impl)
        ref, n_over = wrap_reference(a, b, bits)
        np.testing.assert_array_equal(acc, ref)
        assert events.overflow == n_over
    assert n_over == 0 and wrap_reference(a, b, 32)[1] == 4  # the test really overflows int32


@given(ops=gemm_operands())
def test_prepacked_b_gives_the_same_result_as_raw_b(ops):
    a, b = ops
    packed = prepack_b(b)
    assert packed is not None
    np.testing.assert_array_equal(gemm(a, packed)[0], gemm(a, b)[0])


@given(ops=gemm_operands(), acc_bits=ACC_BITS)
def test_pair_saturated_wrap_equals_reference_model(ops, acc_bits):
    a, b = ops
    acc, events = gemm(a, b, acc_bits=acc_bits, pair_saturate_int16=True)
    ref, n_over, n_pairs = pair_wrap_reference(a, b, acc_bits)
    np.testing.assert_array_equal(acc, ref)
    assert (events.overflow, events.pair_saturated) == (n_over, n_pairs)
