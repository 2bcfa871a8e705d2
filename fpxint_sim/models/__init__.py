"""Bundled models and their loaders; the MiniLM transformer is imported lazily, on request."""

from fpxint_sim.models.digits_cnn import DigitsCNN, load_digits_cnn
from fpxint_sim.models.digits_data import load_digits_test
from fpxint_sim.models.registry import MODEL_NAMES, LoadedModel, load_model

__all__ = [
    "MODEL_NAMES",
    "DigitsCNN",
    "LoadedModel",
    "load_digits_cnn",
    "load_digits_test",
    "load_model",
]
