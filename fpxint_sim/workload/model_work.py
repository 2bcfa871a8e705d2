"""LayerWork from a real run of an expanded model: shapes and term counts of the actual forward.

The model is expanded (no calibration data) and run on its inputs (a model source: digits_cnn's
test images, minilm's sentences, or the inputs a user model comes with or --input gives, as one
batch). Every call of an expanded layer leaves its record (fpxint_sim/expand/call_record.py,
gathered by the one walker, expand/forward_record.py): its GEMM shape, the terms the run-time
expansion actually used and the kept pairs, so the jobs costed are those of the computation
that produced the outputs:

    Linear  M = rows (samples x tokens), K = in_features, N = out_features
    Conv2d  M = N x Ho x Wo, K = C/g x kh x kw, N = out_channels / g, run as g separate jobs

The ifmap DRAM traffic of a conv is its distinct input elements, N x C/g x H x W per group
(padding zeros are made on chip). Overflow events are the bit-exact engine's for that call when
the run is given an accelerator, None without one (see fpxint_sim/sim/layer_work.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from fpxint_sim.errors import InputError
from fpxint_sim.expand import ExpandedModel, ExpansionConfig
from fpxint_sim.expand.call_record import ForwardIR
from fpxint_sim.expand.forward_record import record_forward
from fpxint_sim.sim.epilogue_ops import epilogue_ops_per_pair
from fpxint_sim.sim.layer_shape import GemmShape
from fpxint_sim.sim.layer_work import LayerWork


@dataclass
class ModelWork:
    """The layers' work, and what the run itself gave (samples, output quality)."""

    works: list[LayerWork]
    samples: int
    quality: dict = field(default_factory=dict)
    float_layers: list = field(default_factory=list)
    expanded: ExpandedModel | None = None
    outputs: torch.Tensor | None = None  # of the expanded model (the engine's, with hw)


def _gemm_of(call: ForwardIR) -> tuple[GemmShape, int, str]:
    """(one group's GEMM, groups, kind) of a layer call: its GEMM view split into groups."""
    view = call.gemm
    if call.kind == "act_matmul":  # batch GEMMs, each with its own held operand
        return GemmShape(view.m // view.batch, view.k, view.n), view.batch, "act_matmul"
    if call.kind == "conv":
        n, c, h, w = call.input_shape
        unique = min(n * (c // view.groups) * h * w, view.m * view.k)  # distinct ifmap values
        return (GemmShape(view.m, view.k, view.n // view.groups, unique), view.groups, "conv")
    return GemmShape(view.m, view.k, view.n), 1, "linear"


def layer_work(label: str, call: ForwardIR, layer, cfg: ExpansionConfig) -> LayerWork:
    """The LayerWork of one layer call, from its record; an activation x activation product's
    held operand (its second input, expanded at run time) takes the role of the weight terms."""
    gemm, groups, kind = _gemm_of(call)
    act = kind == "act_matmul"
    ops = epilogue_ops_per_pair(call.jobs, gemm.m * gemm.n, gemm.ifmap_unique_elems,
                                cfg.a_clip is not None,
                                not act and layer.bias_f64 is not None and layer.use_bias,
                                held_elems=gemm.k * gemm.n if act else 0)
    return LayerWork(name=label, gemm=gemm, pairs=call.jobs, w_bits=cfg.w_bits,
                     a_bits=cfg.a_bits, epilogue_ops=ops, overflow_events=call.overflow_events,
                     groups=groups, w_terms=len(call.w_term_types),
                     a_terms=len(call.activation_terms), kind=kind,
                     w_term_types=call.w_term_types, a_term_types=call.a_term_types)


def call_labels(calls) -> list[str]:
    """One label per call: the layer's name, name#k for its k-th call (k >= 2)."""
    seen: dict[str, int] = {}
    out = []
    for call in calls:
        seen[call.layer] = seen.get(call.layer, 0) + 1
        out.append(call.layer if seen[call.layer] == 1 else f"{call.layer}#{seen[call.layer]}")
    return out


def works_of(em, calls, cfg: ExpansionConfig) -> list[LayerWork]:
    """The LayerWork of every recorded call, in call order."""
    return [layer_work(label, call, em.layers[call.layer], cfg)
            for label, call in zip(call_labels(calls), calls)]


def model_work(source, cfg: ExpansionConfig, samples: int | None = None,
               on_layer: Callable[[str], None] | None = None, hw=None) -> ModelWork:
    """Expand a model, run it on its inputs, and return each layer call's LayerWork.

    `source` is a ModelSource (fpxint_sim/models/source.py) or a model spec resolved with
    `samples`. With `hw`, the values run through the bit-exact engine on that accelerator
    (fpxint_sim/engine), and each layer call's overflow events (wrap, saturation, int16 pair
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
    progress = None if on_layer is None else (lambda call: on_layer(call.layer))
    if hw is None:
        out, calls = record_forward(em, source.forward, progress)
    else:
        from fpxint_sim.engine.run import run_on_accelerator

        engine_run = run_on_accelerator(em, hw, source.forward, on_call=progress)
        out, calls = engine_run.output, engine_run.calls
    quality = output_quality(source, ref, out)
    return ModelWork(works_of(em, calls, cfg), source.samples, quality, list(em.float_layers),
                     em, out)
