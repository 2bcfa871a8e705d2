"""The model as a torch.fx graph: torch.export, or torch.fx.symbolic_trace where it is exact.

An ExportedProgram is used as given (its `.module()`). An nn.Module is first traced with
torch.fx, with only the modules the capture knows as ops kept as leaves (Linear, a zero-padded
Conv2d, BatchNorm, activations, pooling, ...: every other module, nn.MultiheadAttention
included, is traced into, so no op hides inside a leaf). A model fx cannot trace exactly
(control flow on values or shapes, library modules that branch, modules with hooks, which fx
would drop) goes through torch.export. Both give the same ops; fx is tried first because it
costs a tenth of export, whose import alone takes about 1.5 s (docs/design.md 4.1).
A TorchScript module is refused with an InputError naming the formats that work: its graph is
TorchScript IR, not an fx graph.
"""

from __future__ import annotations

import inspect
import sys
from contextlib import contextmanager

import torch
from torch import fx, nn

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


# Modules kept whole by the fx trace: each is one op the capture names and handles as a module
# call (capture/op_names.py); anything else is traced into.
LEAF_MODULES = (nn.Linear, nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm, nn.ReLU, nn.ReLU6,
                nn.GELU, nn.SiLU, nn.Sigmoid, nn.Tanh, nn.Softmax, nn.Hardswish,
                nn.Hardsigmoid, nn.LeakyReLU, nn.MaxPool2d, nn.AvgPool2d,
                nn.AdaptiveAvgPool2d, nn.Dropout, nn.Identity, nn.Flatten)


class _KnownLeavesTracer(fx.Tracer):
    def is_leaf_module(self, m: nn.Module, qualname: str) -> bool:
        if type(m) is nn.Conv2d:  # other padding modes and 'same' are traced to F.pad + conv
            return m.padding_mode == "zeros" and not isinstance(m.padding, str)
        return type(m) in LEAF_MODULES


class TensorShape(tuple):
    """A traced tensor's shape, kept in node.meta['tensor_meta'] where op_names.node_shape
    reads it (fx's ShapeProp does the same but imports sympy, a quarter second, to do it)."""

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self)


class _ShapeRecorder(fx.Interpreter):
    def run_node(self, n: fx.Node):
        out = super().run_node(n)
        if isinstance(out, torch.Tensor):
            n.meta["tensor_meta"] = TensorShape(int(d) for d in out.shape)
        return out


HOOKS = ("_forward_hooks", "_forward_pre_hooks", "_forward_hooks_with_kwargs",
         "_backward_hooks", "_backward_pre_hooks")


def _hooked(model: nn.Module) -> str:
    """The first module with hooks of its own ('' if none): fx traces `forward`, not
    `__call__`, so a hook would be left out of the graph; torch.export keeps it."""
    for name, m in model.named_modules():
        if any(getattr(m, h, None) for h in HOOKS):
            return name or type(m).__name__
    return ""


def _fx_trace(model: nn.Module, example_inputs: tuple, kwargs: dict) -> fx.GraphModule:
    """The torch.fx graph of `model` with shapes propagated; raises when fx cannot trace it
    exactly (a module with hooks) or the traced graph does not run on the inputs."""
    hooked = _hooked(model)
    if hooked:
        raise RuntimeError(f"module {hooked} has hooks, which fx tracing would drop")
    graph = _KnownLeavesTracer().trace(model)
    gm = fx.GraphModule(model, graph, model.__class__.__name__)
    # placeholders follow forward's signature: keyword inputs bound into that order
    bound = inspect.signature(model.forward).bind(*example_inputs, **kwargs)
    bound.apply_defaults()
    with torch.no_grad():
        _ShapeRecorder(gm).run(*bound.arguments.values())
    return gm


def _is_exported_program(model) -> bool:
    export = sys.modules.get("torch.export")  # a program exists only once torch.export loaded
    return export is not None and isinstance(model, export.ExportedProgram)


def graph_module(model, example_inputs: tuple, example_kwargs: dict | None = None
                 ) -> tuple[fx.GraphModule, str]:
    """(GraphModule computing the model, how it was captured)."""
    refuse_torchscript(model)
    if _is_exported_program(model):
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
            return _fx_trace(model, example_inputs, kwargs), "torch.fx.symbolic_trace"
        except Exception as e:  # any fx failure: torch.export
            fx_error = _first_line(e)
        try:
            import torch.export  # loaded only when fx cannot trace the model

            ep = torch.export.export(model, example_inputs, kwargs, strict=False)
            return ep.module(), f"torch.export (strict=False; torch.fx: {fx_error})"
        except Exception as e:  # report both failures in one line
            raise InputError(f"cannot capture {type(model).__name__}: torch.fx: {fx_error}; "
                             f"torch.export: {_first_line(e)}") from e
