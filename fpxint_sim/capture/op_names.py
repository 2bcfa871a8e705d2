"""Canonical names and shapes of torch.fx nodes, the same for exported and fx-traced graphs.

Exported graphs call ATen overloads (aten.linear.default -> "linear"); torch.fx graphs call
Python functions (F.linear -> "linear", operator.add -> "add"), tensor methods ("view") and
leaf modules (nn.Conv2d -> "conv2d").
"""

from __future__ import annotations

import re

import torch
from torch import fx, nn

_MODULE_OPS = {
    nn.Linear: "linear", nn.Conv1d: "conv1d", nn.Conv2d: "conv2d", nn.Conv3d: "conv3d",
    nn.ConvTranspose1d: "conv_transpose1d", nn.ConvTranspose2d: "conv_transpose2d",
    nn.ConvTranspose3d: "conv_transpose3d", nn.BatchNorm1d: "batch_norm",
    nn.BatchNorm2d: "batch_norm", nn.BatchNorm3d: "batch_norm", nn.LayerNorm: "layer_norm",
    nn.GroupNorm: "group_norm", nn.ReLU: "relu", nn.ReLU6: "relu6", nn.GELU: "gelu",
    nn.SiLU: "silu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.Softmax: "softmax",
    nn.Hardswish: "hardswish", nn.Hardsigmoid: "hardsigmoid", nn.LeakyReLU: "leaky_relu",
    nn.MaxPool1d: "max_pool1d", nn.MaxPool2d: "max_pool2d", nn.AvgPool2d: "avg_pool2d",
    nn.AdaptiveAvgPool1d: "adaptive_avg_pool1d", nn.AdaptiveAvgPool2d: "adaptive_avg_pool2d",
    nn.Embedding: "embedding", nn.Dropout: "dropout", nn.Identity: "identity",
    nn.Flatten: "flatten", nn.Unflatten: "unflatten", nn.MultiheadAttention:
    "multi_head_attention", nn.LSTM: "lstm", nn.GRU: "gru", nn.RNN: "rnn_tanh",
    nn.Bilinear: "bilinear"}


def canonical_name(node: fx.Node, gm: fx.GraphModule) -> str:
    """The op's canonical name (see module docstring); placeholders/outputs give their op."""
    if node.op == "call_function":
        target = node.target
        if isinstance(target, torch._ops.OpOverload):
            return target._schema.name.split("::")[-1]
        return getattr(target, "__name__", str(target))
    if node.op == "call_method":
        return str(node.target)
    if node.op == "call_module":
        module = gm.get_submodule(node.target)
        for cls in type(module).__mro__:
            if cls in _MODULE_OPS:
                return _MODULE_OPS[cls]
        return getattr(module, "op_name", type(module).__name__)
    return node.op


def node_shape(node) -> tuple[int, ...] | None:
    """Static shape of a node's tensor value (export: meta['val']; fx: ShapeProp), or None."""
    if not isinstance(node, fx.Node):
        return None
    val = node.meta.get("val")
    if isinstance(val, torch.Tensor):
        return tuple(int(s) for s in val.shape)
    tm = node.meta.get("tensor_meta")
    if tm is not None and hasattr(tm, "shape"):
        return tuple(int(s) for s in tm.shape)
    return None


def scope_of(node: fx.Node) -> str:
    """Module path the op was called from ("" at the root), from export's nn_module_stack."""
    stack = node.meta.get("nn_module_stack")
    if not stack:
        return ""
    path = list(stack.values())[-1][0]
    return re.sub(r"^L\['self'\]\.?", "", str(path)).replace("getattr(", "").replace(")", "")
