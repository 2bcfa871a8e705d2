"""Expansion of a float torch.nn.Module into an expanded network.

BatchNorm is folded into the preceding Conv2d, every Linear and Conv2d (zero padding; any stride,
padding, groups, dilation) becomes an expanded layer, every ActMatmul (a product of two run-time
tensors, made by fpxint_sim.capture) an ExpandedActMatmul, and whatever holds parameters but cannot
be expanded (embeddings, LayerNorm, unfolded BatchNorm, other convs) stays float and is listed.
Basis model k keeps the k-th integer weight term of every layer.
"""

from __future__ import annotations

import copy
import os
import warnings
from dataclasses import dataclass, field

from torch import nn

from fpxint_sim.capture.act_matmul import ActMatmul
from fpxint_sim.capture.trace import refuse_torchscript
from fpxint_sim.expand.config import ExpansionConfig
from fpxint_sim.expand.expanded_act_matmul import ExpandedActMatmul
from fpxint_sim.expand.expanded_layers import (
    ExpandedConv2d,
    ExpandedLinear,
    _ExpandedBase,
    expand_weight,
)
from fpxint_sim.expand.fold_bn import fold_batchnorm
from fpxint_sim.series.series import Series


@dataclass
class ExpandedModel:
    module: nn.Module
    config: ExpansionConfig
    layers: dict = field(default_factory=dict)  # name -> expanded layer
    float_layers: list = field(default_factory=list)  # (name, type) left in float
    folded_batchnorms: int = 0
    graph: object = None  # the Captured graph it was expanded from (fpxint_sim/capture), if any

    def __call__(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def reset_stats(self):
        for layer in self.layers.values():
            layer.a_term_counts.clear()
            layer.jobs_per_forward.clear()

    def jobs_per_inference(self) -> int:
        """Integer GEMM/conv jobs of the last forward pass, summed over layers."""
        return sum(layer.jobs_per_forward[-1] for layer in self.layers.values()
                   if layer.jobs_per_forward)

    def basis_model(self, k) -> ExpandedModel:
        """Basis model: weight term k of every layer (int), or term k[name] per layer (dict).

        A layer whose series ended early has a zero term there. A layer keeps its bias only
        when its own index and those of all layers before it are 1: for a chain without
        nonlinearities the sum over all index tuples then counts every bias exactly once.
        """
        out = copy.deepcopy(self)
        all_one = True
        for name, layer in out.layers.items():  # registration order = forward order of a chain
            idx = k[name] if isinstance(k, dict) else k
            if isinstance(layer, ExpandedActMatmul):
                continue  # both operands are run-time series: no offline weight terms
            ws = layer.weight_series
            if ws is None:
                raise ValueError(f"{name}: float weights have no basis terms")
            terms = (ws.terms[idx - 1],) if idx <= len(ws) else ()
            layer.set_weight_series(Series(ws.shape, terms))
            all_one = all_one and idx == 1
            layer.use_bias = all_one
        return out

    def summary(self) -> list[dict]:
        rows = []
        for name, layer in self.layers.items():
            rows.append({"layer": name, "type": type(layer).__name__,
                         "w_terms": 0 if layer.weight_series is None else len(layer.weight_series),
                         "b_terms_last": (layer.b_term_counts[-1] if getattr(
                             layer, "b_term_counts", None) else None),
                         "a_terms_last": layer.a_term_counts[-1] if layer.a_term_counts else None,
                         "jobs_last": layer.jobs_per_forward[-1] if layer.jobs_per_forward
                         else None})
        return rows


def _expandable(m: nn.Module, cfg: ExpansionConfig) -> bool:
    if isinstance(m, ActMatmul):
        return not cfg.float_activations  # A16: activation products stay float
    if isinstance(m, nn.Linear):
        return True
    return isinstance(m, nn.Conv2d) and m.padding_mode == "zeros" and not isinstance(
        m.padding, str)


def _reused_series(layer: nn.Module, cfg: ExpansionConfig, name: str, weights_from):
    """The weight series of the same layer in `weights_from` when it fits, else None."""
    cls = ExpandedLinear if isinstance(layer, nn.Linear) else ExpandedConv2d
    same = None if weights_from is None else weights_from.layers.get(name)
    series = getattr(same, "weight_series", None)
    if series is not None and (type(same) is not cls or tuple(series.shape) != tuple(
            layer.weight.shape) or same.cfg != cfg):
        series = None
    return series


def _expanded(layer: nn.Module, cfg: ExpansionConfig, name: str, weights_from=None,
              series=None):
    if isinstance(layer, ActMatmul):
        return ExpandedActMatmul(cfg, name)
    cls = ExpandedLinear if isinstance(layer, nn.Linear) else ExpandedConv2d
    if series is None:
        series = _reused_series(layer, cfg, name, weights_from)
    return cls(layer, cfg, name, series)


def _weight_series_on_threads(todo: list, cfg: ExpansionConfig, weights_from) -> dict:
    """{layer name: weight series} of the layers to expand, computed on up to two threads (the
    series step releases the GIL; each layer's series is its own, so the result is the same
    in any order). The first failing layer, in model order, raises its error."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(full, child) for _parent, _name, child, full in todo
            if not isinstance(child, ActMatmul) and not cfg.float_weights
            and _reused_series(child, cfg, full, weights_from) is None]
    if len(jobs) < 2:
        return {}
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        futures = [(full, pool.submit(expand_weight, child.weight, cfg, full))
                   for full, child in jobs]
        return {full: f.result() for full, f in futures}


def expand_model(module: nn.Module, cfg: ExpansionConfig | None = None,
                 weights_from: ExpandedModel | None = None) -> ExpandedModel:
    """Expanded copy of `module` (the original is untouched); needs no data.

    weights_from: an expansion of the same weights (another capture of the same model, for
    other input shapes): its weight series are reused by layer name instead of expanded again.
    """
    cfg = cfg or ExpansionConfig()
    refuse_torchscript(module)
    with warnings.catch_warnings():  # torch's own pytree deprecation, raised copying the
        # input spec of an exported module: nothing the user can act on
        warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)",
                                category=FutureWarning)
        m = copy.deepcopy(module).eval()
    folded = fold_batchnorm(m)
    result = ExpandedModel(m, cfg, folded_batchnorms=folded)
    if _expandable(m, cfg):  # the model is a single layer: it is its own (root) layer ""
        result.module = _expanded(m, cfg, "", weights_from)
        result.layers[""] = result.module
        return result
    todo = [(parent, child_name, child, f"{parent_name}.{child_name}" if parent_name
             else child_name)
            for parent_name, parent in list(m.named_modules())
            for child_name, child in list(parent.named_children())
            if not isinstance(child, (_ExpandedBase, ExpandedActMatmul))]
    series = _weight_series_on_threads([t for t in todo if _expandable(t[2], cfg)], cfg,
                                       weights_from)
    for parent, child_name, child, full in todo:
        if _expandable(child, cfg):
            new = _expanded(child, cfg, full, weights_from, series.get(full))
            parent._modules[child_name] = new
            result.layers[full] = new
        elif isinstance(child, ActMatmul):
            result.float_layers.append((full, "ActMatmul (activations kept float)"))
        elif any(True for _ in child.parameters(recurse=False)):
            # a captured graph keeps the tensors of its functional ops in bare holders
            what = "tensors of float graph ops" if type(child) is nn.Module else type(
                child).__name__
            result.float_layers.append((full, what))
        elif type(child).__name__.endswith("SelfAttention"):
            # Its Q/K/V Linears are expanded; the activation x activation matmuls inside
            # (Q K^T, softmax x V) are functional ops this expander leaves in float.
            result.float_layers.append((full, "attention matmuls QK^T and AV (float)"))
    return result
