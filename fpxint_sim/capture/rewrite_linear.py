"""Linear rewrites: linear / addmm / mm / matmul with a constant weight become nn.Linear calls.

Each new nn.Linear holds the very weight tensor the op read (x @ W is linear(x, W^T) with
W^T a view), so the module computes the same ATen call (aten::linear -> addmm / matmul on the
same operands) and its outputs are bit-identical to the original op's.
"""

from __future__ import annotations

import torch
from torch import fx, nn

from fpxint_sim.capture.graph_modules import (
    as_parameter,
    constant_tensor,
    module_path_for,
    register_module,
)
from fpxint_sim.capture.node_args import call_args, replace_node
from fpxint_sim.capture.op_names import node_shape


def linear_module(weight: torch.Tensor, bias: torch.Tensor | None) -> nn.Linear:
    out_f, in_f = weight.shape
    m = torch.nn.utils.skip_init(nn.Linear, in_f, out_f, bias=bias is not None)
    m.weight = as_parameter(weight)
    if bias is not None:
        m.bias = as_parameter(bias)
    return m.eval()


def _as_linear(gm, node, x, w_node, weight, bias) -> bool:
    if weight is None or weight.dim() != 2 or not torch.is_floating_point(weight):
        return False
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != weight.shape[0]):
        return False
    xs = node_shape(x)
    if xs is not None and len(xs) < 1:
        return False
    path = register_module(gm, module_path_for(node, w_node),
                           linear_module(weight, bias), node)
    with gm.graph.inserting_before(node):
        new = gm.graph.call_module(path, (x,))
    replace_node(gm.graph, node, new)
    return True


def rewrite_linear(gm: fx.GraphModule, node: fx.Node, name: str) -> bool:
    """Rewrite `node` (canonical op `name`) into an nn.Linear call; False when not applicable."""
    if node.op not in ("call_function", "call_method"):
        return False
    if name == "linear":
        a = call_args(node, ("input", "weight", "bias"), {"bias": None})
        bias = constant_tensor(gm, a["bias"])
        if a["bias"] is not None and bias is None:
            return False
        return _as_linear(gm, node, a["input"], a["weight"], constant_tensor(gm, a["weight"]),
                          bias)
    if name in ("mm", "matmul"):
        a = call_args(node, ("input", "other"))
        w = constant_tensor(gm, a.get("other"))
        xs = node_shape(a.get("input"))
        if w is None or w.dim() != 2 or constant_tensor(gm, a.get("input")) is not None \
                or (xs is not None and len(xs) < 2):
            return False
        return _as_linear(gm, node, a["input"], a["other"], w.t(), None)
    if name == "addmm":
        a = call_args(node, ("bias", "input", "mat2"), {"beta": 1, "alpha": 1})
        w, b = constant_tensor(gm, a["mat2"]), constant_tensor(gm, a["bias"])
        if a["beta"] != 1 or a["alpha"] != 1 or w is None or b is None or w.dim() != 2:
            return False
        return _as_linear(gm, node, a["input"], a["mat2"], w.t(), b)
    return False
