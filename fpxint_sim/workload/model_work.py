"""LayerWork from a real run of an expanded model: shapes and term counts of the actual forward.

The model is expanded (no calibration data) and run on its inputs (a model source: digits_cnn's
test images, minilm's sentences, or the inputs a user model comes with or --input gives, as one
batch). Forward hooks on every expanded layer record its
GEMM shape and the activation terms the run-time expansion actually used, so the jobs costed are
those of the computation that produced the outputs:

    Linear  M = rows (samples x tokens), K = in_features, N = out_features
    Conv2d  M = N x Ho x Wo, K = C/g x kh x kw, N = out_channels / g, run as g separate jobs

The ifmap DRAM traffic of a conv is its distinct input elements, N x C/g x H x W per group
(padding zeros are made on chip). Overflow events are the bit-exact engine's when the run is
given an accelerator, None without one (see fpxint_sim/sim/layer_work.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from fpxint_sim.errors import InputError
from fpxint_sim.expand import ExpandedModel, ExpansionConfig
from fpxint_sim.expand.expanded_act_matmul import ExpandedActMatmul
from fpxint_sim.expand.expanded_layers import ExpandedConv2d
from fpxint_sim.ir.lower import gemm_view
from fpxint_sim.sim.epilogue_ops import epilogue_ops_per_pair
from fpxint_sim.sim.layer_shape import GemmShape
from fpxint_sim.sim.layer_work import LayerWork
from fpxint_sim.workload.run_terms import run_term_types


@dataclass
class ModelWork:
    """The layers' work, and what the run itself gave (samples, output quality)."""

    works: list[LayerWork]
    samples: int
    quality: dict = field(default_factory=dict)
    float_layers: list = field(default_factory=list)
    expanded: ExpandedModel | None = None
    outputs: torch.Tensor | None = None  # of the expanded model (the engine's, with hw)


def _gemm_of(layer, x: torch.Tensor, y: torch.Tensor) -> tuple[GemmShape, int, str]:
    """(one group's GEMM, groups, kind) of a call of an expanded layer: the IR's GEMM view
    (fpxint_sim.ir.lower.gemm_view), split into its groups."""
    view = gemm_view(layer, tuple(x.shape), tuple(y.shape))
    if isinstance(layer, ExpandedActMatmul):  # batch GEMMs, each with its own held operand
        return GemmShape(view.m // view.batch, view.k, view.n), view.batch, "act_matmul"
    if isinstance(layer, ExpandedConv2d):
        n, c, h, w = x.shape
        unique = min(n * (c // view.groups) * h * w, view.m * view.k)  # distinct ifmap values
        return (GemmShape(view.m, view.k, view.n // view.groups, unique), view.groups, "conv")
    return GemmShape(view.m, view.k, view.n), 1, "linear"


def _layer_work(name: str, layer, cfg: ExpansionConfig, inputs, y) -> LayerWork:
    """The LayerWork of one call on `inputs`; an activation x activation product's second
    input is its held operand (expanded at run time, its terms in the role of weight terms)."""
    x = inputs[0]
    gemm, groups, kind = _gemm_of(layer, x, y)
    act = isinstance(layer, ExpandedActMatmul)
    n_w = layer.b_term_counts[-1] if act else len(layer.weight_series)
    n_a = layer.a_term_counts[-1]
    pairs = tuple((i, j) for i in range(1, n_w + 1) for j in range(1, n_a + 1)
                  if cfg.keeps_pair(i, j))
    if len(pairs) != layer.jobs_per_forward[-1]:
        raise RuntimeError(f"{name}: {len(pairs)} pairs counted but the layer ran "
                           f"{layer.jobs_per_forward[-1]} jobs")
    ops = epilogue_ops_per_pair(pairs, gemm.m * gemm.n, gemm.ifmap_unique_elems,
                                cfg.a_clip is not None,
                                not act and layer.bias_f64 is not None and layer.use_bias,
                                held_elems=gemm.k * gemm.n if act else 0)
    return LayerWork(name=name, gemm=gemm, pairs=pairs, w_bits=cfg.w_bits, a_bits=cfg.a_bits,
                     epilogue_ops=ops, overflow_events=None, groups=groups, w_terms=n_w,
                     a_terms=n_a, kind=kind, **run_term_types(layer, cfg, inputs))


def model_work(source, cfg: ExpansionConfig, samples: int | None = None,
               on_layer: Callable[[str], None] | None = None, hw=None) -> ModelWork:
    """Expand a model, run it on its inputs, and return each layer call's LayerWork.

    `source` is a ModelSource (fpxint_sim/models/source.py) or a model spec resolved with
    `samples`. With `hw`, the values run through the bit-exact engine on that accelerator
    (fpxint_sim/engine), and each layer's overflow events (wrap, saturation, int16 pair
    saturation actually hit) are those of this computation; without it, through the PyTorch
    expanded network. Quality: fpxint_sim/workload/output_quality.py.
    """
    from fpxint_sim.models.prepare import expand_source
    from fpxint_sim.models.source import resolve_model
    from fpxint_sim.workload.output_quality import output_quality

    if isinstance(source, str):
        source = resolve_model(source, samples=samples)
    if cfg.float_weights or cfg.float_activations:
        raise InputError("run needs integer weights and activations: --w-bits/--a-bits 2..8")
    ref = source.reference()
    em = expand_source(source, cfg)
    works: list[LayerWork] = []
    calls: dict[str, int] = {}

    def hook_for(layer_name):
        def hook(layer, inputs, output):
            calls[layer_name] = calls.get(layer_name, 0) + 1
            label = layer_name if calls[layer_name] == 1 else f"{layer_name}#{calls[layer_name]}"
            works.append(_layer_work(label, layer, cfg, inputs, output))
            if on_layer is not None:
                on_layer(label)
        return hook

    handles = [layer.register_forward_hook(hook_for(n)) for n, layer in em.layers.items()]
    try:
        with torch.no_grad():
            if hw is None:
                out = source.forward(em.module)
            else:
                from fpxint_sim.engine.run import run_on_accelerator

                engine_run = run_on_accelerator(em, hw, source.forward)
                out = engine_run.output
    finally:
        for h in handles:
            h.remove()
    quality = output_quality(source, ref, out)
    if hw is not None:
        # Engine counters are per layer; a layer called more than once per forward (name#k)
        # cannot split them per call, so its calls get None rather than a made-up share.
        events = {n: c.overflow + c.pair_saturated for n, c in engine_run.layers.items()}
        once = {n for n, k in calls.items() if k == 1}
        works = [dataclasses.replace(w, overflow_events=events[w.name] if w.name in once
                                     else None) for w in works]
    return ModelWork(works, source.samples, quality, list(em.float_layers), em, out)
