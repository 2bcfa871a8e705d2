"""Bundled models by name: the one place the CLI and sweeps look a model up."""

from dataclasses import dataclass

from torch import nn

from fpxint_sim.errors import InputError
from fpxint_sim.models.digits_cnn import load_digits_cnn
from fpxint_sim.models.minilm import MiniLM, load_minilm

MODEL_NAMES = ("digits_cnn", "minilm")


@dataclass(frozen=True)
class LoadedModel:
    """A bundled float model ready to expand.

    `encoder` is the MiniLM wrapper (tokenizer + pooling, `encode_with`) for "minilm", else None.
    """

    name: str
    module: nn.Module
    kind: str  # "cnn" or "transformer"
    description: str
    encoder: MiniLM | None = None


def load_model(name: str) -> LoadedModel:
    """Load a bundled model in eval mode; an unknown name is an InputError listing the choices."""
    if name == "digits_cnn":
        return LoadedModel(
            name,
            load_digits_cnn(),
            "cnn",
            "8x8 digits CNN: conv/BN/ReLU, stride-2, depthwise + 1x1 convs, 2 Linear (40 k params)",
        )
    if name == "minilm":
        minilm = load_minilm()
        return LoadedModel(
            name,
            minilm.model,
            "transformer",
            "all-MiniLM-L6-v2 sentence encoder: 6-layer BERT, 384-d, mean-pooled (22.7 M params)",
            encoder=minilm,
        )
    raise InputError(f"unknown model {name!r}: choose one of {', '.join(MODEL_NAMES)}")
