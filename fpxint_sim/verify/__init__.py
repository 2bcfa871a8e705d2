"""Bit-exact checks of the engine against PyTorch (integer references, expanded network)."""

from fpxint_sim.verify.check import JobChecker, verify_expanded
from fpxint_sim.verify.source_check import verify_model, verify_source

__all__ = ["JobChecker", "verify_expanded", "verify_model", "verify_source"]
