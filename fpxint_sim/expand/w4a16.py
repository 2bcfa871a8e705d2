"""W4A16 expansion of a float torch.nn.Module: every nn.Linear becomes a W4A16Linear (n_w INT4
weight terms against 16-bit float activations) and every ActMatmul a W4A16ActMatmul, on a
copy of the module. The rewritten module's forward is the PyTorch reference of the arithmetic
the description's w4a16 section declares (docs/w4a16.md); `w4a16_engine_attached`
(fpxint_sim/engine/w4a16_run.py) runs the same layers on the engine's kernel.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field

from torch import nn

from fpxint_sim import expansion_defaults as D
from fpxint_sim.capture.act_matmul import ActMatmul
from fpxint_sim.capture.trace import refuse_torchscript
from fpxint_sim.errors import InputError
from fpxint_sim.expand.w4a16_layers import W4A16ActMatmul, W4A16Linear
from fpxint_sim.hw.schema import W4A16Spec
from fpxint_sim.series.scale_policy import POLICIES

MAX_W_TERMS = 8  # as many INT4 terms as any weight series here uses (beyond: float64 noise)


@dataclass
class ExpandedW4A16:
    """The rewritten module, its W4A16 layers by name, and what stayed float."""

    module: nn.Module
    w_terms: int
    spec: W4A16Spec
    array_rows: int
    layers: dict = field(default_factory=dict)  # name -> W4A16Linear | W4A16ActMatmul
    float_layers: list = field(default_factory=list)  # (name, type) left in float
    graph: object = None  # the Captured graph it was expanded from (fpxint_sim/capture), if any

    def __call__(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def label(self) -> str:
        return (f"W4A16 ({self.spec.activation_format} activations, {self.spec.w4a16_mac}, "
                f"{self.w_terms} INT4 weight terms, {self.spec.accumulator_format} "
                f"{self.spec.accumulation_order} accumulation)")

    def jobs_per_inference(self) -> int:
        """GEMM jobs of the last forward pass, summed over layers."""
        return sum(layer.jobs_per_forward[-1] for layer in self.layers.values()
                   if layer.jobs_per_forward)


def _check_arguments(w_terms, spec, array_rows, scale_policy) -> None:
    if not isinstance(spec, W4A16Spec):
        raise InputError("W4A16 needs the description's w4a16 section (activation format, MAC "
                         "kind, accumulator): this accelerator has none")
    for name, value, most in (("w_terms", w_terms, MAX_W_TERMS), ("array_rows", array_rows,
                                                                   None)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1 or (
                most is not None and value > most):
            bound = f"1..{most}" if most else "a positive integer"
            raise InputError(f"W4A16 {name} must be {bound}, got {value!r}")
    if scale_policy not in POLICIES:
        raise InputError(f"scale_policy must be one of {POLICIES}, got {scale_policy!r}")


def _w4a16_layer(child: nn.Module, name: str, w_terms, spec, array_rows, scale_policy):
    if isinstance(child, ActMatmul):
        return W4A16ActMatmul(spec, array_rows, name)
    if isinstance(child, nn.Linear):
        return W4A16Linear(child, w_terms, spec, array_rows, scale_policy, name)
    return None


def expand_model_w4a16(module: nn.Module, w_terms: int, spec: W4A16Spec, array_rows: int,
                       scale_policy: str = D.SCALE_POLICY) -> ExpandedW4A16:
    """W4A16 copy of `module` (the original is untouched); needs no data."""
    _check_arguments(w_terms, spec, array_rows, scale_policy)
    refuse_torchscript(module)
    with warnings.catch_warnings():  # torch's own pytree deprecation, as in expand_model
        warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)",
                                category=FutureWarning)
        m = copy.deepcopy(module).eval()
    args = (w_terms, spec, array_rows, scale_policy)
    result = ExpandedW4A16(m, w_terms, spec, array_rows)
    root = _w4a16_layer(m, "", *args)
    if root is not None:  # the model is a single layer: it is its own (root) layer ""
        result.module = root
        result.layers[""] = root
        return result
    for parent_name, parent in list(m.named_modules()):
        for child_name, child in list(parent.named_children()):
            full = f"{parent_name}.{child_name}" if parent_name else child_name
            if isinstance(child, (W4A16Linear, W4A16ActMatmul)):
                continue
            new = _w4a16_layer(child, full, *args)
            if new is not None:
                parent._modules[child_name] = new
                result.layers[full] = new
            elif any(True for _ in child.parameters(recurse=False)):
                what = "tensors of float graph ops" if type(child) is nn.Module else type(
                    child).__name__
                result.float_layers.append((full, what))
    return result
