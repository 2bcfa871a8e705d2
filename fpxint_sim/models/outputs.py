"""The output tensor a model's quality is measured on, whatever the model returns."""

from __future__ import annotations

import torch

from fpxint_sim.errors import InputError


def primary_output(value, where: str = "model") -> torch.Tensor:
    """A tensor as is; the first entry of a tuple/list or of a dict-like output (Hugging Face
    ModelOutput: the last hidden state or the logits), recursively."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, dict) or hasattr(value, "to_tuple"):
        value = list(value.values())
    if isinstance(value, (tuple, list)) and value:
        return primary_output(value[0], where)
    raise InputError(f"{where}: its output is {type(value).__name__}, not a tensor, a tuple or "
                     "a dict of tensors")
