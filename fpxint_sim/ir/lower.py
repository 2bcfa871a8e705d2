"""Lower an ExpandedModel to the integer basis network (IR), measuring one real forward pass.

Weight terms are fixed offline and read from the layers; activation terms are expanded at run
time, so the lowering runs `forward(module)` once and records, per expanded layer, the terms
its input produced (the same expansion the layer does), the jobs kept by truncation and the
GEMM shape. The result holds numpy arrays only.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch
from torch import fx, nn

from fpxint_sim.capture.op_names import canonical_name
from fpxint_sim.errors import InputError
from fpxint_sim.expand.activation import expand_rows
from fpxint_sim.expand.expanded_act_matmul import (
    ExpandedActMatmul,
    act_matmul_rows,
    operand_names,
)
from fpxint_sim.expand.expanded_layers import ExpandedConv2d
from fpxint_sim.ir.layer_rows import input_rows
from fpxint_sim.ir.records import (
    ActivationTermIR,
    ConvParams,
    ForwardIR,
    GemmView,
    LayerIR,
    NetworkIR,
    WeightTermIR,
)

NONLINEARITIES = (nn.ReLU, nn.ReLU6, nn.GELU, nn.SiLU, nn.Sigmoid, nn.Tanh, nn.LayerNorm,
                  nn.Softmax)
PASS_THROUGH = (nn.Identity, nn.Dropout, nn.Flatten)


def check_integer_config(em) -> None:
    """The IR and the engine need integer terms on both sides (bits 2..8)."""
    if em.config.float_weights or em.config.float_activations:
        raise InputError(f"{em.config.label()}: the integer network needs integer weights and "
                         "activations (w_bits and a_bits in 2..8)")


def weight_terms(layer) -> tuple[WeightTermIR, ...]:
    """The layer's integer weight terms with per-output-channel scales (O,)."""
    out = []
    for i, t in enumerate(layer.weight_series.terms, 1):
        o = t.q.shape[0]
        if np.any(t.zero_point):
            raise InputError(f"{layer.layer_name}: weight term {i} has a zero point; the "
                             "integer network takes symmetric weight terms only")
        scale = np.broadcast_to(t.scale, (o,) + (1,) * (t.q.ndim - 1)).reshape(o)
        out.append(WeightTermIR(i, t.q, scale.astype(np.float64), t.bits, t.signed))
    return tuple(out)


def activation_terms_ir(terms) -> tuple[ActivationTermIR, ...]:
    """IR records of run-time activation terms (series Terms of (R, M) rows)."""
    out = []
    for j, t in enumerate(terms, 1):
        r = t.q.shape[0]
        out.append(ActivationTermIR(
            j, t.bits, t.signed, np.broadcast_to(t.zero_point, (r, 1)).reshape(r).astype(np.int64),
            np.broadcast_to(t.scale, (r, 1)).reshape(r).astype(np.float64),
            int(np.abs(t.centered()).max()) if t.q.size else 0))
    return tuple(out)


def kept_jobs(cfg, n_w: int, n_a: int) -> tuple[tuple[int, int], ...]:
    """(i, j) pairs computed, weight term i outer, activation term j inner (the layers' order)."""
    return tuple((i, j) for i in range(1, n_w + 1) for j in range(1, n_a + 1)
                 if cfg.keeps_pair(i, j))


def gemm_view(layer, input_shape, output_shape) -> GemmView:
    """The GEMM of one job: Linear rows x K x N, the im2col view of a Conv2d, or the batched
    GEMMs of an activation product (input_shape: a's shape (..., M, K))."""
    if isinstance(layer, ExpandedActMatmul):
        batch = int(np.prod(input_shape[:-2]))
        return GemmView(batch * input_shape[-2], input_shape[-1], output_shape[-1], 1, batch)
    if isinstance(layer, ExpandedConv2d):
        _, cg, kh, kw = layer.weight_shape()
        n, o, oh, ow = output_shape
        return GemmView(n * oh * ow, cg * kh * kw, o, layer.groups)
    m = int(np.prod(input_shape[:-1]))
    return GemmView(m, layer.in_features, layer.out_features)


GRAPH_NONLINEARITIES = {"relu": "ReLU", "relu6": "ReLU6", "hardtanh": "ReLU6", "gelu": "GELU",
                        "silu": "SiLU", "sigmoid": "Sigmoid", "tanh": "Tanh",
                        "layer_norm": "LayerNorm", "softmax": "Softmax",
                        "_softmax": "Softmax", "_safe_softmax": "Softmax"}
GRAPH_PASS_THROUGH = ("dropout", "identity", "flatten")


def _nonlinearity_after_in_graph(gm: fx.GraphModule, name: str) -> str | None:
    """The known nonlinearity the layer's call feeds alone (through pass-through ops)."""
    node = next((n for n in gm.graph.nodes if n.op == "call_module" and n.target == name), None)
    while node is not None and len(node.users) == 1:
        node = next(iter(node.users))
        op = canonical_name(node, gm)
        if op in GRAPH_NONLINEARITIES:
            return GRAPH_NONLINEARITIES[op]
        if op not in GRAPH_PASS_THROUGH:
            return None
    return None


def _nonlinearity_after(module: nn.Module, name: str) -> str | None:
    """Class name of the op right after `name` among its siblings (in a GraphModule: along
    the graph), when it is a known one."""
    if isinstance(module, fx.GraphModule):
        return _nonlinearity_after_in_graph(module, name)
    parent_name, _, child = name.rpartition(".")
    parent = module.get_submodule(parent_name) if parent_name else module
    names = list(parent._modules)
    if child not in names:
        return None
    for sibling in names[names.index(child) + 1:]:
        m = parent._modules[sibling]
        if isinstance(m, PASS_THROUGH):
            continue
        if isinstance(m, NONLINEARITIES) or type(m).__name__.endswith("Activation"):
            return type(m).__name__
        return None
    return None


def _layer_ir(em, name, layer) -> LayerIR:
    if isinstance(layer, ExpandedActMatmul):
        return LayerIR(name, "act_matmul", 0, 0, (), None, None, None, None)
    conv = None
    if isinstance(layer, ExpandedConv2d):
        kh, kw = layer.weight_shape()[2:]
        conv = ConvParams((kh, kw), tuple(layer.stride), tuple(layer.padding),
                          tuple(layer.dilation), layer.groups)
        k_in, n_out = layer.weight_shape()[1] * layer.groups, layer.out_channels
    else:
        k_in, n_out = layer.in_features, layer.out_features
    bias = None if layer.bias_f64 is None or not layer.use_bias else layer.bias_f64.numpy()
    return LayerIR(name, "conv" if conv else "gemm", k_in, n_out, weight_terms(layer), bias,
                   conv, _nonlinearity_after(em.module, name) if name else None, None)


def lower_model(em, forward, model_name: str = "") -> NetworkIR:
    """Lower `em`, running `forward(em.module)` once under no_grad to measure activation terms."""
    check_integer_config(em)
    records: dict[str, LayerIR] = {}
    order: list[str] = []
    pending: dict[str, tuple] = {}
    handles = []

    def pre_hook(name, layer):
        def hook(_module, args):
            x = args[0]
            if isinstance(layer, ExpandedActMatmul):
                rows_a, rows_b = act_matmul_rows(x, args[1])
                name_a, name_b = operand_names(name)
                pending[name] = (tuple(x.shape), expand_rows(rows_a, layer.cfg, name_a),
                                 expand_rows(rows_b, layer.cfg, name_b))
                return
            rows = input_rows(layer, x)
            pending[name] = (tuple(x.shape), expand_rows(rows.rows, layer.cfg, f"{name} input"),
                             None)
        return hook

    def post_hook(name, layer):
        def hook(_module, _args, y):
            shape, terms, held = pending.pop(name)
            if name not in records:
                records[name] = _layer_ir(em, name, layer)
                if held is not None:  # K and N of an activation product come from its run
                    records[name] = replace(records[name], in_features=shape[-1],
                                            out_features=int(y.shape[-1]))
                order.append(name)
            a_ir = activation_terms_ir(terms)
            b_ir = () if held is None else activation_terms_ir(held)
            n_i = len(b_ir) if held is not None else len(layer.weight_series)
            records[name].forwards.append(ForwardIR(
                shape, tuple(y.shape), gemm_view(layer, shape, tuple(y.shape)), a_ir,
                kept_jobs(layer.cfg, n_i, len(a_ir)), b_ir))
        return hook

    for name, layer in em.layers.items():
        handles.append(layer.register_forward_pre_hook(pre_hook(name, layer)))
        handles.append(layer.register_forward_hook(post_hook(name, layer)))
    try:
        with torch.no_grad():
            forward(em.module)
    finally:
        for h in handles:
            h.remove()
    layers = []
    for k, name in enumerate(order):
        nxt = order[k + 1] if k + 1 < len(order) else None
        layers.append(replace(records[name], next_layer=nxt))
    return NetworkIR(model_name, em.config.label(), layers, list(em.float_layers))
