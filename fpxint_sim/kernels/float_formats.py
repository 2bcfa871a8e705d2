"""Rounding float32 values to the 16-bit activation formats of W4A16, on the bit patterns.

Round to nearest, ties to even, as IEEE 754 conversions do: fp16 keeps subnormals (down to
2^-24) and turns values past 65504 into inf; bf16 keeps float32's exponent range and its 8
significant bits, a value rounding past the largest bf16 becomes inf. The result is returned
as float32 holding the 16-bit value exactly (every fp16 and bf16 value is a float32). NaN stays
NaN (its payload is not part of the declared arithmetic). This is the engine's rounding; the
PyTorch reference uses torch's own conversions (fpxint_sim/expand/w4a16_reference.py).
"""

from __future__ import annotations

import numpy as np

from fpxint_sim.errors import InputError

FORMATS = ("fp16", "bf16")
BF16_QUIET_NAN = np.uint16(0x7FC0)


def round_to_bf16_bits(x: np.ndarray) -> np.ndarray:
    """uint16 bf16 patterns of float32 `x`, RNE: add 0x7FFF plus the kept lowest bit, cut."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    # Non-NaN patterns are at most 0xFF800000 (-inf), so the addition never wraps.
    rounded = ((u + np.uint32(0x7FFF) + ((u >> np.uint32(16)) & np.uint32(1)))
               >> np.uint32(16)).astype(np.uint16)
    return np.where(np.isnan(x), BF16_QUIET_NAN, rounded)


def round_to_format(x: np.ndarray, fmt: str) -> np.ndarray:
    """float32 `x` rounded (RNE) to `fmt` ('fp16' or 'bf16'), returned as float32."""
    x = np.asarray(x, dtype=np.float32)
    if fmt == "fp16":
        with np.errstate(over="ignore"):  # past 65504: inf, as the conversion defines
            return x.astype(np.float16).astype(np.float32)
    if fmt == "bf16":
        bits = round_to_bf16_bits(x).astype(np.uint32) << np.uint32(16)
        return bits.view(np.float32).reshape(x.shape)
    raise InputError(f"activation format '{fmt}' is not one of {', '.join(FORMATS)}")
