"""Why an integer-eligible op stayed float: the first rewrite condition it fails, in words."""

from __future__ import annotations

from torch import fx

from fpxint_sim.capture.graph_modules import constant_tensor
from fpxint_sim.capture.node_args import call_args
from fpxint_sim.capture.op_names import node_shape

_WEIGHTED = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
             "conv_transpose3d")


def refusal_reason(gm: fx.GraphModule, node: fx.Node, name: str) -> str:
    """Reason text for an integer-eligible op no rewrite rule took."""
    prefix = f"integer-eligible {name} stayed float"
    if node.op == "call_module":
        return f"{prefix}: module {type(gm.get_submodule(node.target)).__name__} is not " \
               "rewritten in a torch.fx-traced graph"
    if name in _WEIGHTED:
        transposed = name.startswith("conv_transpose")
        a = call_args(node, ("input", "weight", "bias", "stride", "padding")
                      + (("output_padding", "groups") if transposed else ("dilation", "groups")),
                      {"groups": 1})
        if constant_tensor(gm, a.get("weight")) is None:
            return f"{prefix}: its weight is a run-time tensor, not a parameter"
        if transposed and name != "conv_transpose2d":
            return f"{prefix}: only 2-D transposed convolutions are rewritten"
        if a["groups"] != 1 and (transposed or name == "conv3d"):
            return f"{prefix}: grouped {'transposed ' if transposed else '3-D '}convolution"
        shape = node_shape(a.get("input"))
        if shape is not None and name != "linear" and len(shape) != int(name[-2]) + 2:
            return f"{prefix}: unbatched input {list(shape)}"
    if name in ("matmul", "mm", "bmm"):
        a = call_args(node, ("input", "other"))
        if constant_tensor(gm, a.get("input")) is not None:
            return f"{prefix}: its constant operand is on the left"
        sa, sb = node_shape(a.get("input")), node_shape(a.get("other"))
        if sa is not None and sb is not None and (len(sa) < 2 or len(sb) < 2):
            return f"{prefix}: a vector operand ({list(sa)} @ {list(sb)})"
        if sa is not None and sb is not None:
            return f"{prefix}: batch dims differ ({list(sa)} @ {list(sb)})"
    if name == "scaled_dot_product_attention":
        return f"{prefix}: dropout, a negative scale or heads that do not match"
    return f"{prefix} (no rule rewrote it)"
