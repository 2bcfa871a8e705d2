"""Bit-exact checks of the engine against PyTorch (integer references, expanded network)."""

from fpxint_sim.verify.check import JobChecker, verify_expanded, verify_model

__all__ = ["JobChecker", "verify_expanded", "verify_model"]
