"""Uniform integer quantizers: symmetric (restricted range) and asymmetric (unsigned + zero point).

One term of the tensor series is one call of the quantizer on the current residual; the series
module drives it (fpxint_sim.series.expand). Rounding is round-half-to-even (np.rint), the default
of IEEE 754 and of most integer hardware.
"""

import numpy as np

from fpxint_sim.errors import InputError

MIN_BITS, MAX_BITS = 2, 8


def check_bits(bits, what: str = "bits") -> int:
    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)):
        raise InputError(f"{what} must be an integer from {MIN_BITS} to {MAX_BITS}, got {bits!r}")
    if not MIN_BITS <= int(bits) <= MAX_BITS:
        raise InputError(f"{what}={bits} is unsupported: use {MIN_BITS} to {MAX_BITS}")
    return int(bits)


def qrange(bits: int, symmetric: bool) -> tuple[int, int]:
    """Integer range of a term: symmetric [-(2^(b-1)-1), 2^(b-1)-1], asymmetric [0, 2^b - 1].

    The symmetric range leaves out -2^(b-1) so that negating a term (AbelianNeg) stays in range.
    """
    bits = check_bits(bits)
    if symmetric:
        return -(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1
    return 0, 2**bits - 1
