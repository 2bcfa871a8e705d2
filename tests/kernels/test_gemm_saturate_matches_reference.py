"""Saturating accumulators: gemm == the explicit ordered reference (per fold, per k)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kernel_reference import saturate_reference
from kernel_strategies import IMPLS, gemm_operands, large_k_operands

from fpxint_sim.errors import InputError
from fpxint_sim.kernels import gemm

ACC_BITS = st.sampled_from([16, 17, 20, 24, 32, 64])
K_TILE = st.one_of(st.none(), st.integers(1, 40))


@pytest.mark.parametrize("impl", IMPLS)
@given(ops=gemm_operands(), acc_bits=ACC_BITS, k_tile=K_TILE)
def test_saturate_equals_ordered_fold_reference(impl, ops, acc_bits, k_tile):
    a, b = ops
    acc, events = gemm(a, b, acc_bits=acc_bits, overflow="saturate", k_tile=k_tile, impl=impl)
    ref, n_clamped, _ = saturate_reference(a, b, acc_bits, k_tile)
    np.testing.assert_array_equal(acc, ref)
    assert events.overflow == n_clamped


@given(ops=large_k_operands(k_max=3000), acc_bits=st.sampled_from([16, 18, 24]),
       k_tile=st.one_of(st.none(), st.integers(1, 700)))
def test_saturate_counts_every_clamped_output_at_large_k(ops, acc_bits, k_tile):
    a, b = ops
    acc, events = gemm(a, b, acc_bits=acc_bits, overflow="saturate", k_tile=k_tile)
    ref, n_clamped, _ = saturate_reference(a, b, acc_bits, k_tile)
    np.testing.assert_array_equal(acc, ref)
    assert events.overflow == n_clamped


@given(ops=gemm_operands(), acc_bits=ACC_BITS,
       k_tile=st.one_of(st.none(), st.integers(1, 20).map(lambda t: 2 * t)))
def test_pair_saturated_saturate_equals_ordered_pair_reference(ops, acc_bits, k_tile):
    a, b = ops
    acc, events = gemm(a, b, acc_bits=acc_bits, overflow="saturate", k_tile=k_tile,
                       pair_saturate_int16=True)
    ref, n_clamped, n_pairs = saturate_reference(a, b, acc_bits, k_tile, pairs=True)
    np.testing.assert_array_equal(acc, ref)
    assert (events.overflow, events.pair_saturated) == (n_clamped, n_pairs)


def test_saturate_order_matters_fold_partials_differ_from_sequential():
    """Same operands, three fold sizes, three answers (worked by hand): order is the spec."""
    a = np.array([[127, 127, 127, -128, -128, -128]], dtype=np.int8)
    b = np.full((6, 1), 127, dtype=np.int8)
    # one fold: 16129, 32258, clamp 48387 -> 32767, 16511, 255, -16001
    seq, ev_seq = gemm(a, b, acc_bits=16, overflow="saturate")
    # folds of 3: +32767 (clamped), -32768 (clamped), total 32767 - 32768 = -1
    tri, ev_tri = gemm(a, b, acc_bits=16, overflow="saturate", k_tile=3)
    # folds of 2: 32258, -127, -32512: no clamp, the exact -381
    duo, ev_duo = gemm(a, b, acc_bits=16, overflow="saturate", k_tile=2)
    assert (seq[0, 0], ev_seq.overflow) == (-16001, 1)
    assert (tri[0, 0], ev_tri.overflow) == (-1, 1)
    assert (duo[0, 0], ev_duo.overflow) == (-381, 0)


def test_saturate_without_possible_overflow_takes_exact_result():
    rng = np.random.default_rng(3)
    a = rng.integers(-8, 8, (5, 100)).astype(np.int8)
    b = rng.integers(-8, 8, (100, 7)).astype(np.int8)
    acc, events = gemm(a, b, acc_bits=16, overflow="saturate", k_tile=3)
    np.testing.assert_array_equal(acc, a.astype(np.int64) @ b.astype(np.int64))
    assert events.overflow == 0


@pytest.mark.parametrize("kwargs", [dict(acc_bits=15), dict(acc_bits=40), dict(overflow="clip"),
                                    dict(k_tile=0), dict(k_tile=3, pair_saturate_int16=True),
                                    dict(impl="sse")])
def test_bad_accumulator_options_raise_input_error(kwargs):
    a = np.zeros((2, 4), dtype=np.int8)
    with pytest.raises(InputError):
        gemm(a, a.T, **kwargs)
