"""The model as a torch.fx graph: torch.export first, torch.fx.symbolic_trace where it cannot.

An ExportedProgram is used as given (its `.module()`). A TorchScript module is refused with
an InputError naming the formats that work: its graph is TorchScript IR, not an fx graph.
"""

from __future__ import annotations

import inspect
from contextlib import contextmanager

import torch
from torch import fx, nn
from torch.export import ExportedProgram
from torch.fx.passes.shape_prop import ShapeProp

from fpxint_sim.errors import InputError

WORKING_FORMATS = ("an nn.Module with example inputs", "a torch.export ExportedProgram "
                   "(torch.export.save .pt2 file)", "an ONNX file")


@contextmanager
def _eval_mode(model: nn.Module):
    """Trace in eval mode (dropout off, BatchNorm statistics), then restore the user's flags."""
    flags = {m: m.training for m in model.modules()}
    model.eval()
    try:
        yield model
    finally:
        for m, flag in flags.items():
            m.training = flag


def _first_line(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}"


def refuse_torchscript(model) -> None:
    """InputError naming the formats that work, for a TorchScript module or function."""
    if isinstance(model, (torch.jit.ScriptModule, torch.jit.ScriptFunction)):
        raise InputError(f"{type(model).__name__}: TorchScript models cannot be captured or "
                         f"expanded; give {', '.join(WORKING_FORMATS)}")


def graph_module(model, example_inputs: tuple, example_kwargs: dict | None = None
                 ) -> tuple[fx.GraphModule, str]:
    """(GraphModule computing the model, how it was captured)."""
    refuse_torchscript(model)
    if isinstance(model, ExportedProgram):
        return model.module(), "torch.export program (given)"
    if not isinstance(model, nn.Module):
        raise InputError(f"cannot capture a {type(model).__name__}: give "
                         f"{', '.join(WORKING_FORMATS)}")
    if not isinstance(example_inputs, tuple):
        raise InputError(f"example_inputs must be a tuple of the model's positional inputs, "
                         f"got {type(example_inputs).__name__}")
    kwargs = dict(example_kwargs or {})
    with _eval_mode(model):
        try:
            ep = torch.export.export(model, example_inputs, kwargs, strict=False)
            return ep.module(), "torch.export (strict=False)"
        except Exception as e:  # any export failure: fall back to torch.fx
            export_error = _first_line(e)
        try:
            gm = fx.symbolic_trace(model)
            # placeholders follow forward's signature: keyword inputs bound into that order
            bound = inspect.signature(model.forward).bind(*example_inputs, **kwargs)
            bound.apply_defaults()
            ShapeProp(gm).propagate(*bound.arguments.values())
            return gm, f"torch.fx.symbolic_trace (torch.export failed: {export_error})"
        except Exception as e:  # report both failures in one line
            raise InputError(f"cannot capture {type(model).__name__}: torch.export: "
                             f"{export_error}; torch.fx: {_first_line(e)}") from e
