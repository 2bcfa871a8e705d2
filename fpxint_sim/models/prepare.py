"""The seam between a model source and the expander: graph capture.

Every command and the Python API expand what `expand_source` gives: the source's module
captured as a graph (fpxint_sim/capture) with the inputs it runs on, so functional ops, library
modules (nn.MultiheadAttention, Hugging Face blocks) and torch.export programs reach the
expander as expandable modules, and every op of the model is listed with its kind.
"""

from __future__ import annotations

from torch import nn


def prepare_for_expansion(module: nn.Module, example_inputs: tuple) -> nn.Module:
    """The captured graph of `module` for these inputs (shapes are fixed by them)."""
    from fpxint_sim.capture import capture_model

    return capture_model(module, tuple(example_inputs)).module


def capture_source(source):
    """The Captured graph of a ModelSource, with the inputs its own forward gives the module."""
    from fpxint_sim.capture import capture_forward

    return capture_forward(source.module, source.forward)


def expand_source(source, cfg):
    """The ExpandedModel of a ModelSource: captured, then expanded (`em.graph` keeps the
    capture); one with no layer to expand is an InputError (a run, a verify or a cost of
    nothing would look like a success)."""
    from fpxint_sim.errors import InputError
    from fpxint_sim.expand import expand_model

    captured = capture_source(source)
    em = expand_model(captured.module, cfg)
    em.graph = captured
    if not em.layers:
        floats = ", ".join(f"{n} ({t})" for n, t in em.float_layers[:5])
        raise InputError(f"--model {source.name}: no linear, convolution or matmul op to "
                         f"expand; left in float: {floats or 'nothing'}")
    return em
