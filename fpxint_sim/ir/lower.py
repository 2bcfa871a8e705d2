"""Lower an ExpandedModel to the integer basis network (IR), measuring one real forward pass.

Weight terms are fixed offline and read from the layers; activation terms are expanded at run
time, so the lowering runs `forward(module)` once through the one walker
(expand/forward_record.py) and keeps, per expanded layer, the records its calls made: the terms
its input produced, the jobs kept by truncation and the GEMM shape. The result holds numpy
arrays only.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from torch import fx, nn

from fpxint_sim.capture.op_names import canonical_name
from fpxint_sim.errors import InputError
from fpxint_sim.expand.forward_record import record_forward
from fpxint_sim.ir.records import ConvParams, LayerIR, NetworkIR, WeightTermIR

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
    if layer.kind == "act_matmul":
        return LayerIR(name, "act_matmul", 0, 0, (), None, None, None, None)
    conv = None
    if layer.kind == "conv":
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
    _, calls = record_forward(em, forward)
    return network_ir(em, calls, model_name)


def network_ir(em, calls, model_name: str = "") -> NetworkIR:
    """The NetworkIR of `em` from the records of one forward (layers in first-call order)."""
    records: dict[str, LayerIR] = {}
    for call in calls:
        if call.layer not in records:
            ir = _layer_ir(em, call.layer, em.layers[call.layer])
            if call.kind == "act_matmul":  # K and N of an activation product come from its run
                ir = replace(ir, in_features=call.input_shape[-1],
                             out_features=int(call.output_shape[-1]))
            records[call.layer] = ir
        records[call.layer].forwards.append(call)
    order = list(records)
    layers = [replace(records[name], next_layer=order[k + 1] if k + 1 < len(order) else None)
              for k, name in enumerate(order)]
    return NetworkIR(model_name, em.config.label(), layers, list(em.float_layers))
