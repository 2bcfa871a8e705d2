"""The AVX512-VNNI path: run-time selection, every M tail and thread split, bit-exact."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_reference import wrap_reference
from kernel_strategies import RANGES, gemm_operands

from fpxint_sim.errors import InputError
from fpxint_sim.kernels import cpu_features, exact_matmul, gemm, prepack_b
from fpxint_sim.kernels.packed_operands import vnni_exact_matmul

needs_vnni = pytest.mark.skipif(not cpu_features.host_has_vnni(),
                                reason="host has no AVX512-VNNI + AVX512-VL")


def _exact(a, b):
    return a.astype(np.int64) @ b.astype(np.int64)


def test_auto_prefers_vnni_then_avx2_then_portable(monkeypatch):
    for vnni, avx2, want in [(True, True, "vnni"), (False, True, "avx2"),
                             (False, False, "portable")]:
        monkeypatch.setattr(cpu_features, "host_has_vnni", lambda v=vnni: v)
        monkeypatch.setattr(cpu_features, "host_has_avx2", lambda v=avx2: v)
        assert cpu_features.resolve_impl("auto") == want
    with pytest.raises(InputError, match="VNNI"):
        cpu_features.resolve_impl("vnni")


@needs_vnni
@pytest.mark.parametrize("m", [*range(1, 14), 64])
@pytest.mark.parametrize(("dtype", "lo", "hi"), RANGES)
def test_every_row_tail_and_operand_range_is_exact(m, dtype, lo, hi):
    """M = 6 q + r uses the 6-row block q times and the r-row block once; K not a multiple of 4."""
    rng = np.random.default_rng(m)
    k, n = 4 * m + 3, 45
    a = rng.integers(lo, hi + 1, (m, k)).astype(dtype)
    a[:, :2] = (lo, hi)
    for blo, bhi, bdt in [(-128, 127, np.int8), (0, 255, np.uint8), (-8, 7, np.int8)]:
        b = rng.integers(blo, bhi + 1, (k, n)).astype(bdt)
        np.testing.assert_array_equal(exact_matmul(a, b, impl="vnni"), _exact(a, b))


@needs_vnni
@pytest.mark.parametrize("threads", [1, 2, 3, 7])
def test_thread_splits_of_the_n_blocks_are_exact(threads):
    rng = np.random.default_rng(threads)
    a = rng.integers(-128, 128, (25, 700)).astype(np.int8)
    b = rng.integers(0, 256, (700, 300)).astype(np.uint8)
    for bits in (16, 32, 64):
        out, changed = vnni_exact_matmul(a, prepack_b(b), threads, bits)
        ref, n_over = wrap_reference(a, b, bits)
        np.testing.assert_array_equal(out, ref)
        assert changed == n_over


@needs_vnni
def test_byte_range_values_in_wider_dtypes_are_exact():
    """int16/int64 storage of INT8 values takes the conversion branch of the A packer."""
    rng = np.random.default_rng(5)
    for dtype in (np.int16, np.int32, np.int64):
        a = rng.integers(-128, 128, (9, 77)).astype(dtype)
        b = rng.integers(-128, 128, (77, 20)).astype(dtype)
        np.testing.assert_array_equal(exact_matmul(a, b, impl="vnni"), _exact(a, b))


@needs_vnni
@settings(max_examples=60, deadline=None)
@given(ops=gemm_operands(max_m=20, max_k=300, max_n=70),
       acc_bits=st.sampled_from([16, 20, 32, 64]))
def test_vnni_equals_portable_bit_for_bit(ops, acc_bits):
    a, b = ops
    fast, ev_fast = gemm(a, b, acc_bits=acc_bits, impl="vnni")
    slow, ev_slow = gemm(a, b, acc_bits=acc_bits, impl="portable")
    np.testing.assert_array_equal(fast, slow)
    assert ev_fast == ev_slow
