"""The fused NCHW scatter + zero-point correction of a conv job equals the numpy rule it
replaces (`jobs.zero_point_corrected` on the transposed GEMM rows), bit for bit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpxint_sim.engine.conv_output import PIXEL_BLOCK, scatter_corrected
from fpxint_sim.engine.jobs import zero_point_corrected
from fpxint_sim.kernels import AccumulatorSpec
from fpxint_sim.kernels.accumulator import acc_dtype


def _reference(parts, o, hw, zero, weight_sums, spec):
    """Numpy: each group's rows transposed into NCHW, then the correction rule."""
    n = zero.shape[0]
    raw = np.empty((n, o, hw), dtype=acc_dtype(spec.acc_bits))
    og = o // len(parts)
    for g, part in enumerate(parts):
        raw[:, g * og:(g + 1) * og] = part.transpose(0, 2, 1)
    corr = -zero[:, None, None] * weight_sums[None, :, None] if np.any(zero) else None
    return raw, zero_point_corrected(raw, corr, spec)


def _fused(parts, o, hw, zero, weight_sums, spec):
    n = zero.shape[0]
    wrap, correct = spec.overflow == "wrap", bool(np.any(zero))
    raw = np.empty((n, o, hw), dtype=acc_dtype(spec.acc_bits))
    acc = np.empty(raw.shape, dtype=raw.dtype if wrap else np.int64) if correct else raw
    og = o // len(parts)
    for g, part in enumerate(parts):
        scatter_corrected(part, raw, acc, zero, weight_sums, g * og, spec.acc_bits, wrap,
                          correct)
    return raw, acc


@settings(max_examples=60, deadline=None)
@given(acc_bits=st.sampled_from([16, 17, 24, 31, 32, 64]),
       overflow=st.sampled_from(["wrap", "saturate"]),
       n=st.integers(1, 3), groups=st.integers(1, 3), og=st.integers(1, 5),
       hw=st.sampled_from([1, 7, PIXEL_BLOCK, PIXEL_BLOCK + 3, 2 * PIXEL_BLOCK + 1]),
       zero_kind=st.sampled_from(["none", "some", "extreme"]), seed=st.integers(0, 2**31))
def test_scatter_corrected_equals_numpy_rule(acc_bits, overflow, n, groups, og, hw, zero_kind,
                                             seed):
    rng = np.random.default_rng(seed)
    spec = AccumulatorSpec(acc_bits, overflow)
    dtype = acc_dtype(acc_bits)
    info = np.iinfo(dtype)
    lo, hi = (-(1 << (acc_bits - 1)), (1 << (acc_bits - 1)) - 1) if acc_bits < 64 else (
        info.min, info.max)
    o = groups * og
    parts = [rng.integers(lo, hi, (n, hw, og), endpoint=True).astype(dtype)
             for _ in range(groups)]
    for part in parts:  # the range's ends, where a correction wraps
        part.flat[0], part.flat[-1] = lo, hi
    weight_sums = rng.integers(-4000, 4001, o).astype(np.int64)
    zero = {"none": np.zeros(n, dtype=np.int64),
            "some": rng.integers(0, 16, n).astype(np.int64),
            "extreme": np.full(n, 255, dtype=np.int64)}[zero_kind]
    raw_ref, acc_ref = _reference(parts, o, hw, zero, weight_sums, spec)
    raw, acc = _fused(parts, o, hw, zero, weight_sums, spec)
    np.testing.assert_array_equal(raw, raw_ref)
    assert acc.dtype == acc_ref.dtype
    np.testing.assert_array_equal(acc, acc_ref)


@pytest.mark.parametrize(("overflow", "wrapped"), [("wrap", -32763), ("saturate", 32773)])
def test_hand_case(overflow, wrapped):
    """1 image, 2 channels, 2 pixels, z = 3, weight sums (1, -2): channel 0 gets -3, channel 1
    gets +6, which takes 32767 past a 16-bit accumulator (wrapped, or kept wide)."""
    spec = AccumulatorSpec(16, overflow)
    part = np.array([[[32767, 32767], [-7, 0]]], dtype=np.int32)  # (n, pixels, channels)
    raw, acc = _fused([part], 2, 2, np.array([3]), np.array([1, -2]), spec)
    np.testing.assert_array_equal(raw[0], [[32767, -7], [32767, 0]])
    np.testing.assert_array_equal(acc[0], [[32764, -10], [wrapped, 6]])
