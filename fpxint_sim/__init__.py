"""fpxint_sim: FP=xINT series-expanded networks on emulated integer accelerators.

The series API and `emulate` (fpxint_sim/api.py) are imported on first use, so that
`import fpxint_sim.hw` or a topology-only performance run does not pay for Numba's start-up.
"""

import os

# Idle OpenMP workers sleep instead of spinning (unless the user chose a policy): on a shared
# machine a spinning pool fights the other processes for the cores, and the engine's two-thread
# GEMMs ran 4-13x slower than one thread (kernels/threads.py). It must be set before torch is
# imported: Numba's OpenMP pool binds to the libgomp torch loads, which reads it once.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

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
