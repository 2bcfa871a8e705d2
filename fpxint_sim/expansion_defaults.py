"""The expansion settings every command and the Python API start from. Imports no torch.

One set for `run`, `verify`, `lower`, `accuracy`, `sweep`, `demo` and `fpxint_sim.emulate`,
so that `verify` checks the very setting that `run` costs: W4A4, 2 weight terms per output
channel, activations expanded at run time until max|residual| < 1e-4, at most 6 terms, free
scales, the first activation term Laplace-clipped. 2 weight terms keep the digits CNN at its
float accuracy (max weight error 1.7e-3 at INT4) for two thirds of the jobs of 3 terms; 6
activation terms reach 1e-4 on every layer of the bundled models, so the cap rarely binds.
"""

from __future__ import annotations

W_BITS = 4
A_BITS = 4
W_TERMS = 2
A_TOL = 1e-4
A_MAX_TERMS = 6
SCALE_POLICY = "free"
A_CLIP = "laplace"

# The flags that carry these settings, with the value each one defaults to.
FLAG_DEFAULTS = {"w_bits": W_BITS, "a_bits": A_BITS, "w_terms": W_TERMS, "a_terms": None,
                 "tol": A_TOL, "a_max_terms": A_MAX_TERMS, "truncate": None,
                 "scale_policy": SCALE_POLICY, "no_clip": False}


def settings(w_bits=None, a_bits=None, w_terms=None, a_terms=None, tol=None,
             a_max_terms=None, truncate=None, scale_policy=None, no_clip=False) -> dict:
    """ExpansionConfig keyword arguments: every value not given (None) is the default above."""
    return {"w_bits": W_BITS if w_bits is None else w_bits,
            "a_bits": A_BITS if a_bits is None else a_bits,
            "w_terms": W_TERMS if w_terms is None else w_terms,
            "a_terms": a_terms,
            "a_tol": A_TOL if tol is None else tol,
            "a_max_terms": A_MAX_TERMS if a_max_terms is None else a_max_terms,
            "truncate": truncate,
            "scale_policy": SCALE_POLICY if scale_policy is None else scale_policy,
            "a_clip": None if no_clip else A_CLIP}
