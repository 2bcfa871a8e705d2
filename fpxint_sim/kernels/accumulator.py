"""Accumulator arithmetic shared by every kernel: the configuration, its checks, the events.

The math (wrap, saturate, accumulation order, event counting) is in docs/accumulators.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from fpxint_sim.errors import InputError

OVERFLOW_MODES = ("wrap", "saturate")


@dataclass(frozen=True)
class AccumulatorSpec:
    """Width and overflow behaviour of the PE accumulators, plus the optional fbgemm pair model.

    `k_tile` is the array's K fold size; it only changes results under `saturate`.
    """

    acc_bits: int = 32
    overflow: str = "wrap"
    pair_saturate_int16: bool = False
    k_tile: int | None = None

    def __post_init__(self):
        if not isinstance(self.acc_bits, (int, np.integer)) or not (
            16 <= self.acc_bits <= 32 or self.acc_bits == 64
        ):
            raise InputError(f"acc_bits must be 16..32 or 64, got {self.acc_bits!r}")
        if self.overflow not in OVERFLOW_MODES:
            raise InputError(f"overflow must be one of {OVERFLOW_MODES}, got {self.overflow!r}")
        if self.k_tile is not None and (
            not isinstance(self.k_tile, (int, np.integer)) or self.k_tile < 1
        ):
            raise InputError(f"k_tile must be a positive integer or None, got {self.k_tile!r}")

    @property
    def lo(self) -> int:
        return -(1 << (self.acc_bits - 1))

    @property
    def hi(self) -> int:
        return (1 << (self.acc_bits - 1)) - 1

    @property
    def ordered(self) -> bool:
        """True when the result depends on the order of additions (saturation)."""
        return self.overflow == "saturate"


def acc_dtype(acc_bits: int) -> type:
    """Storage of accumulator values: int32 for accumulators of up to 32 bits, else int64.

    An accumulator of at most 32 bits holds exactly what an int32 holds, and half the bytes
    of int64 matter: writing the outputs is a large share of a fast GEMM's time.
    """
    return np.int32 if acc_bits <= 32 else np.int64


@dataclass(frozen=True)
class AccumulatorEvents:
    """How many outputs of one job were changed by the accumulator arithmetic.

    overflow: outputs whose accumulator wrapped or clamped (wrap: final value differs from the
    exact sum; saturate: at least one addition was clamped). pair_saturated: outputs where at
    least one int16 pair sum was clamped (fbgemm model only). outputs: total outputs.
    """

    overflow: int
    pair_saturated: int
    outputs: int

    def __add__(self, other: AccumulatorEvents) -> AccumulatorEvents:
        return AccumulatorEvents(
            self.overflow + other.overflow,
            self.pair_saturated + other.pair_saturated,
            self.outputs + other.outputs,
        )


@nb.njit(cache=True, nogil=True)
def wrap_in_place(acc, acc_bits):
    """Reduce exact sums modulo 2**acc_bits to two's complement; return how many changed."""
    if acc_bits >= 64:
        return 0
    half = np.int64(1) << (acc_bits - 1)
    mask = (np.int64(1) << acc_bits) - 1
    flat = acc.reshape(-1)
    changed = 0
    for i in range(flat.size):
        v = flat[i]
        w = ((v + half) & mask) - half
        if w != v:
            changed += 1
            flat[i] = w
    return changed


def check_int_operand(name: str, x: np.ndarray, ndim: int) -> np.ndarray:
    """Accept an integer array of the given rank whose values fit int16 (INT4/INT8/9-bit)."""
    x = np.asarray(x)
    if x.ndim != ndim:
        raise InputError(f"{name} must have {ndim} dimensions, got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.integer):
        raise InputError(f"{name} must be an integer array, got dtype {x.dtype}")
    x = x if x.dtype.isnative else x.astype(x.dtype.newbyteorder("="))  # Numba: native only
    if x.size and x.dtype.itemsize > 1:
        lo, hi = int(x.min()), int(x.max())
        if lo < -32767 or hi > 32767:
            raise InputError(f"{name} values must lie in [-32767, 32767], got [{lo}, {hi}]")
    return x
