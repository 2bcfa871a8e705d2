"""The engine's fp16/bf16 rounding (bit patterns) equals torch's .half() / .bfloat16()."""

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fpxint_sim.kernels.float_formats import round_to_format

TORCH = {"fp16": torch.float16, "bf16": torch.bfloat16}

# Ties, subnormals, the largest finite values and the first values rounding to inf, zeros,
# infinities and NaNs of both formats.
EDGES = np.array([
    0.0, -0.0, 1.0, 1.0 + 2.0**-11, 1.0 + 3 * 2.0**-11, 1.0 + 2.0**-8, 1.0 + 3 * 2.0**-8,
    2.0**-24, 2.0**-25, 3 * 2.0**-26, 2.0**-14 - 2.0**-25, 6e-8, -6e-8, 65504.0, 65519.99,
    65520.0, -65520.0, 1e5, 2.0**-126, 2.0**-133, 3 * 2.0**-134, 1e-45, 3.3895313e38,
    3.4e38, -3.4e38, np.inf, -np.inf, np.nan, -np.nan], dtype=np.float32)


def _torch_rounded(x: np.ndarray, fmt: str) -> np.ndarray:
    return torch.from_numpy(x).to(TORCH[fmt]).to(torch.float32).numpy()


def _same(got: np.ndarray, want: np.ndarray) -> bool:
    """Equal bit patterns, any NaN equal to any NaN (payloads are not declared)."""
    nan = np.isnan(want)
    return bool(np.array_equal(np.isnan(got), nan)
                and np.array_equal(got[~nan].view(np.uint32), want[~nan].view(np.uint32)))


def test_edge_values_round_as_torch():
    for fmt in ("fp16", "bf16"):
        got = round_to_format(EDGES, fmt)
        assert got.dtype == np.float32 and got.shape == EDGES.shape
        assert _same(got, _torch_rounded(EDGES, fmt)), fmt


def test_ties_go_to_even_and_overflow_goes_to_inf():
    fp16 = round_to_format(np.array([1 + 2.0**-11, 1 + 3 * 2.0**-11, 65520.0, 2.0**-25],
                                    dtype=np.float32), "fp16")
    assert fp16.tolist() == [1.0, 1 + 2.0**-9, np.inf, 0.0]
    bf16 = round_to_format(np.array([1 + 2.0**-8, 1 + 3 * 2.0**-8, 3.4e38], dtype=np.float32),
                           "bf16")
    assert bf16.tolist() == [1.0, 1 + 2.0**-6, np.inf]


@given(arrays(np.uint32, st.integers(1, 64), elements=st.integers(0, 2**32 - 1)))
def test_every_bit_pattern_rounds_as_torch(bits):
    x = bits.view(np.float32)
    for fmt in ("fp16", "bf16"):
        assert _same(round_to_format(x, fmt), _torch_rounded(x, fmt)), fmt


@given(arrays(np.float32, st.integers(1, 64), elements=st.floats(width=32)))
def test_drawn_floats_round_as_torch(x):
    for fmt in ("fp16", "bf16"):
        assert _same(round_to_format(x, fmt), _torch_rounded(x, fmt)), fmt
