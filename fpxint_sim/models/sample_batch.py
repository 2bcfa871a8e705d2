"""One input batch per model as a `forward(module)` callable (kept for
fpxint_sim.verify.check.verify_model); the rule itself is fpxint_sim/models/source.py."""

from __future__ import annotations

from fpxint_sim.models.source import resolve_model

DEFAULT_SAMPLES = {"digits_cnn": 64, "minilm": 64}


def sample_forward(name: str, samples: int | None = None, default_samples=None):
    """(ModelSource, forward(module) -> output tensor, description of the input)."""
    source = resolve_model(name, None, samples, default_samples or DEFAULT_SAMPLES)
    return source, source.forward, source.input_description
