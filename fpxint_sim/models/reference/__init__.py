"""Reference architectures that design-space studies ask for by name, with seeded random
weights (labelled "random weights" wherever they appear). One file each; each file has
build(seed) -> nn.Module, example_inputs(generator) -> tuple, DESCRIPTION, INPUT and the
PARAMETERS count of the torchvision / timm / Hugging Face model it mirrors."""

from __future__ import annotations

import importlib

REFERENCE_MODELS = ("resnet18", "resnet50", "mobilenet_v2", "vit_ti_16", "bert_base",
                    "llama_block")
SEED = 0  # the weights and the example inputs of every reference model


def reference_module(name: str):
    """The Python module (file) of reference architecture `name`."""
    if name not in REFERENCE_MODELS:
        raise KeyError(name)
    return importlib.import_module(f"fpxint_sim.models.reference.{name}")
