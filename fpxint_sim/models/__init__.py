"""Models: the bundled ones (digits_cnn, minilm, reference architectures with random weights)
and the one resolver of `--model`/`--input` that every command uses (source.py). The MiniLM
transformer and the reference architectures are imported on request."""

from fpxint_sim.models.digits_cnn import DigitsCNN, load_digits_cnn
from fpxint_sim.models.digits_data import load_digits_test
from fpxint_sim.models.registry import MODEL_NAMES, LoadedModel, load_model
from fpxint_sim.models.source import BUNDLED, ModelSource, resolve_model, source_from_module

__all__ = [
    "BUNDLED",
    "MODEL_NAMES",
    "DigitsCNN",
    "LoadedModel",
    "ModelSource",
    "load_digits_cnn",
    "load_digits_test",
    "load_model",
    "resolve_model",
    "source_from_module",
]
