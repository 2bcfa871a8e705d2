"""The kinds of the broadcast driver (AVX2 int16 and sign-extended, VNNI with 4-bit B) and its
blocking, against the int64 reference."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from kernel_reference import wrap_reference
from kernel_strategies import FAST_IMPLS, RANGES, operand

from fpxint_sim.kernels import (
    broadcast_gemm,
    gemm,
    host_has_avx2,
    packed_operands,
    prepack_b,
)

needs_avx2 = pytest.mark.skipif(not host_has_avx2(), reason="host has no AVX2")


@st.composite
def many_row_operands(draw):
    """8-bit A with at least INT16_MIN_ROWS rows (the int16 path), any B range."""
    m = draw(st.integers(packed_operands.INT16_MIN_ROWS, 40))
    k, n = draw(st.integers(1, 70)), draw(st.integers(1, 40))
    a = draw(operand((m, k), draw(st.sampled_from(RANGES[2:]))))
    b = draw(operand((k, n), draw(st.sampled_from(RANGES))))
    return a, b


def _spy_kind(monkeypatch, wanted=broadcast_gemm.INT16):
    """Record the runs of one kind of the driver."""
    calls = []
    real = packed_operands._run

    def spy(kind, *args, **kwargs):
        if kind == wanted:
            calls.append(kind)
        return real(kind, *args, **kwargs)

    monkeypatch.setattr(packed_operands, "_run", spy)
    return calls


@needs_avx2
@settings(max_examples=60, deadline=None)
@given(ops=many_row_operands(), acc_bits=st.sampled_from([16, 20, 32, 64]))
def test_int16_path_equals_modular_int64_matmul(ops, acc_bits):
    """(The 6 x 16 blocks of a 16-register CPU run in test_avx2_only_codegen.)"""
    a, b = ops
    with pytest.MonkeyPatch.context() as mp:
        calls = _spy_kind(mp)
        acc, events = gemm(a, b, acc_bits=acc_bits, impl="avx2")
    ref, n_over = wrap_reference(a, b, acc_bits)
    np.testing.assert_array_equal(acc, ref)
    assert events.overflow == n_over
    if needs_8_bits(a):
        assert calls, "8-bit A with many rows must take the int16 path"


def needs_8_bits(a):
    """A' = A + s for the first shift s in (0, 8, 128) that fits [0, 255] exceeds 15."""
    lo, hi = int(a.min()), int(a.max())
    shift = next(s for s in (0, 8, 128) if lo + s >= 0 and hi + s <= 255)
    return hi + shift > 15


@needs_avx2
def test_int16_path_sums_super_chunks_exactly(monkeypatch):
    """K = 70001: three int32 super-chunks of 32768 K, extreme products, int32 overflow."""
    k = 70001
    a = np.full((packed_operands.INT16_MIN_ROWS, k), 255, dtype=np.uint8)
    b = np.stack([np.full(k, 255), np.full(k, 1), np.resize([255, 0], k)], 1).astype(np.uint8)
    calls = _spy_kind(monkeypatch)
    for bits in (32, 64):
        acc, events = gemm(a, b, acc_bits=bits, impl="avx2")
        ref, n_over = wrap_reference(a, b, bits)
        np.testing.assert_array_equal(acc, ref)
        assert events.overflow == n_over
    assert calls and wrap_reference(a, b, 32)[1] > 0  # the test really overflows int32


@pytest.mark.parametrize("impl", FAST_IMPLS)
@pytest.mark.parametrize("a_range", [RANGES[0], RANGES[2], RANGES[3]])
def test_several_row_and_column_blocks(impl, a_range):
    """M = 200 (two L2 row blocks and a tail), N = 600 (several N blocks), both threads."""
    rng = np.random.default_rng(7)
    dtype, lo, hi = a_range
    a = rng.integers(lo, hi + 1, (200, 75)).astype(dtype)
    b = rng.integers(-128, 128, (75, 600)).astype(np.int8)
    acc, _ = gemm(a, prepack_b(b), acc_bits=64, impl=impl)
    np.testing.assert_array_equal(acc, a.astype(np.int64) @ b.astype(np.int64))


@st.composite
def wide_storage_operands(draw):
    """A stored as int16 / int32 with byte-range values (shift 0, 8 or 128), any B range."""
    lo, hi = draw(st.sampled_from([(-8, 7), (0, 15), (-8, 100), (-128, 127), (0, 255)]))
    m, k, n = draw(st.integers(1, 40)), draw(st.integers(1, 70)), draw(st.integers(1, 40))
    dtype = draw(st.sampled_from([np.int16, np.int32]))
    elems = st.one_of(st.sampled_from([lo, hi]), st.integers(lo, hi))
    a = draw(hnp.arrays(dtype, (m, k), elements=elems))
    b = draw(operand((k, n), draw(st.sampled_from(RANGES))))
    return a, b


@pytest.mark.parametrize("impl", FAST_IMPLS)
@settings(max_examples=60, deadline=None)
@given(ops=wide_storage_operands(), acc_bits=st.sampled_from([16, 32, 64]))
def test_wider_storage_of_byte_range_values(impl, ops, acc_bits):
    """The fast paths shift such A once into bytes; the corrections must use that shift."""
    a, b = ops
    acc, events = gemm(a, b, acc_bits=acc_bits, impl=impl)
    ref, n_over = wrap_reference(a, b, acc_bits)
    np.testing.assert_array_equal(acc, ref)
    assert events.overflow == n_over


@st.composite
def nibble_b_operands(draw):
    """Few rows of A (int8 values, or uint8 / wider storage of them) times 4-bit B."""
    m = draw(st.integers(1, packed_operands.NIBBLE_B_MAX_ROWS))
    k, n = draw(st.integers(1, 90)), draw(st.integers(1, 70))
    lo, hi, dtype = draw(st.sampled_from([(-128, 127, np.int8), (-8, 7, np.int8),
                                          (0, 127, np.uint8), (-128, 127, np.int16),
                                          (0, 255, np.uint8)]))
    a = draw(hnp.arrays(dtype, (m, k), elements=st.one_of(st.sampled_from([lo, hi]),
                                                          st.integers(lo, hi))))
    b = draw(operand((k, n), draw(st.sampled_from(RANGES[:2]))))  # signed or unsigned INT4
    return a, b


NIBBLE_KIND = {"vnni": broadcast_gemm.VNNI_NIB, "avx2": broadcast_gemm.AVX2_NIB}


def takes_nibble_panels(impl, a):
    """The documented rule: A within s8; on AVX2 also int16 lanes widened at most every 32
    words (|A| <= 34) or at least 4 rows."""
    lo, hi = int(a.min()), int(a.max())
    if lo < -128 or hi > 127:
        return False
    return impl == "vnni" or 32767 // (30 * max(1, -lo, hi)) >= 32 or a.shape[0] >= 4


@pytest.mark.parametrize("impl", FAST_IMPLS)
@settings(max_examples=80, deadline=None)
@given(ops=nibble_b_operands(), acc_bits=st.sampled_from([16, 24, 32, 64]))
def test_nibble_b_path_equals_modular_int64_matmul(impl, ops, acc_bits):
    a, b = ops
    with pytest.MonkeyPatch.context() as mp:
        calls = _spy_kind(mp, NIBBLE_KIND[impl])
        acc, events = gemm(a, b, acc_bits=acc_bits, impl=impl)
    ref, n_over = wrap_reference(a, b, acc_bits)
    np.testing.assert_array_equal(acc, ref)
    assert events.overflow == n_over
    assert bool(calls) == takes_nibble_panels(impl, a)


@pytest.mark.parametrize("impl", FAST_IMPLS)
def test_nibble_b_path_across_super_chunks(monkeypatch, impl):
    """K = 70001 (three super-chunks): nibble panel offsets and the shift correction hold."""
    rng = np.random.default_rng(11)
    a = rng.choice([-128, 127, 5], size=(4, 70001)).astype(np.int8)
    b = rng.choice([-8, 7, 0], size=(70001, 19)).astype(np.int8)
    calls = _spy_kind(monkeypatch, NIBBLE_KIND[impl])
    acc, _ = gemm(a, b, acc_bits=64, impl=impl)
    np.testing.assert_array_equal(acc, a.astype(np.int64) @ b.astype(np.int64))
    assert calls
