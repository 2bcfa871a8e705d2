"""fpxint_sim: FP=xINT series-expanded networks on emulated integer accelerators.

The series API and `emulate` (fpxint_sim/api.py) are imported on first use, so that
`import fpxint_sim.hw` or a topology-only performance run does not pay for Numba's start-up.
"""

from fpxint_sim.errors import InputError, MissingExtraError

__version__ = "0.1.0"

_SERIES_API = ("Series", "Term", "abelian_add", "abelian_mul", "abelian_neg", "expand_tensor",
               "one_series", "zero_series")

__all__ = ["InputError", "MissingExtraError", "__version__", "emulate", *_SERIES_API]


def __getattr__(name):
    if name == "emulate":  # torch and the engine load on the first call, not on import
        from fpxint_sim.api import emulate

        return emulate
    if name in _SERIES_API:
        from fpxint_sim import series

        return getattr(series, name)
    raise AttributeError(f"module 'fpxint_sim' has no attribute {name!r}")
