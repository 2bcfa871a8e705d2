"""The seam between a model source and the expander: graph capture.

Every command and the Python API expand what `expand_source` gives: the source's module
captured as a graph (fpxint_sim/capture) with the inputs it runs on, so functional ops, library
modules (nn.MultiheadAttention, Hugging Face blocks) and torch.export programs reach the
expander as expandable modules, and every op of the model is listed with its kind.

A captured graph is specialised to its input shapes. A model fed batches of several shapes
(MiniLM's sentence batches, each padded to its own longest sentence) runs through
`PerShapeExpansion`: one capture per distinct shape, cached, all sharing one expansion of the
weights. Padding every batch to one length instead would change the results: an activation x
activation product takes one scale per column of V over all key positions, padded ones too.
"""

from __future__ import annotations

import torch
from torch import nn


def prepare_for_expansion(module: nn.Module, example_inputs: tuple) -> nn.Module:
    """The captured graph of `module` for these inputs (shapes are fixed by them)."""
    from fpxint_sim.capture import capture_model

    return capture_model(module, tuple(example_inputs)).module


def capture_source(source):
    """The Captured graph of a ModelSource, with the inputs its own forward gives the module."""
    from fpxint_sim.capture import capture_forward

    return capture_forward(source.module, source.forward)


def expand_captured(captured, cfg, name: str, weights_from=None):
    """The ExpandedModel of a Captured graph (`em.graph` keeps the capture); one with no
    layer to expand is an InputError (a run, a verify or a cost of nothing would look like a
    success)."""
    from fpxint_sim.errors import InputError
    from fpxint_sim.expand import expand_model

    em = expand_model(captured.module, cfg, weights_from)
    em.graph = captured
    if not em.layers:
        floats = ", ".join(f"{n} ({t})" for n, t in em.float_layers[:5])
        raise InputError(f"--model {name}: no linear, convolution or matmul op to "
                         f"expand; left in float: {floats or 'nothing'}")
    return em


def expand_source(source, cfg):
    """The ExpandedModel of a ModelSource: captured with its inputs, then expanded."""
    return expand_captured(capture_source(source), cfg, source.name)


def _shape_key(args: tuple, kwargs: dict) -> tuple:
    def one(v):
        return (tuple(v.shape), str(v.dtype)) if isinstance(v, torch.Tensor) else repr(v)
    return tuple(one(a) for a in args) + tuple((k, one(v)) for k, v in sorted(kwargs.items()))


class PerShapeExpansion(nn.Module):
    """Runs the expanded `module` on inputs of any shape: captured and expanded once per
    distinct input shape (`expanded`, in first-seen order), the weights expanded once."""

    def __init__(self, module: nn.Module, cfg, name: str):
        super().__init__()
        self._float = [module]  # a list: not registered as a submodule (never trained/copied)
        self.cfg, self.name = cfg, name
        self.expanded: dict[tuple, object] = {}

    def forward(self, *args, **kwargs):
        key = _shape_key(args, kwargs)
        em = self.expanded.get(key)
        if em is None:
            from fpxint_sim.capture import capture_model

            first = next(iter(self.expanded.values()), None)
            em = expand_captured(capture_model(self._float[0], args, kwargs), self.cfg,
                                 self.name, weights_from=first)
            self.expanded[key] = em
        return em.module(*args, **kwargs)
