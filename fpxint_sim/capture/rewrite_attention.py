"""Activation x activation products become ActMatmul calls; SDPA is spelled out first.

scaled_dot_product_attention is rewritten into the ops of ATen's math backend, in its order:
(enable_gqa: k and v heads repeated), q * sqrt(scale), k^T * sqrt(scale), Q K^T (ActMatmul),
+ mask (a boolean mask, or is_causal, becomes 0 / -inf first), _safe_softmax over the last
dim, P V (ActMatmul). Its values equal SDPA's math backend bit for bit (the fused CPU kernels
round differently). bmm/matmul of two non-constant matrices with the same batch dims become
ActMatmul calls.
"""

from __future__ import annotations

import math

import torch
from torch import fx

from fpxint_sim.capture.act_matmul import ActMatmul
from fpxint_sim.capture.graph_modules import constant_tensor, register_module
from fpxint_sim.capture.node_args import call_args, replace_node
from fpxint_sim.capture.op_names import node_shape, scope_of

aten = torch.ops.aten
_SDPA_NAMES = ("query", "key", "value", "attn_mask", "dropout_p", "is_causal", "scale",
               "enable_gqa")


def attention_mask_to_float(mask: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """A boolean mask (True = attend) as 0 / -inf in the scores' dtype; float masks as given."""
    if mask.dtype != torch.bool:
        return mask
    return torch.zeros_like(mask, dtype=like.dtype).masked_fill_(mask.logical_not(),
                                                                  float("-inf"))


def causal_attention_mask(scores: torch.Tensor) -> torch.Tensor:
    """The (L, S) is_causal mask of SDPA: 0 on and below the diagonal, -inf above."""
    n_l, n_s = scores.shape[-2], scores.shape[-1]
    keep = torch.ones(n_l, n_s, dtype=torch.bool).tril()
    return attention_mask_to_float(keep, scores)


def _act_matmul_call(gm, node, a, b, base: str):
    path = register_module(gm, base, ActMatmul())
    return gm.graph.call_module(path, (a, b))


def _batch_ok(sa, sb) -> bool:
    return sa is not None and sb is not None and len(sa) >= 2 and len(sa) == len(sb) \
        and sa[:-2] == sb[:-2] and sa[-1] == sb[-2]


def rewrite_act_matmul(gm: fx.GraphModule, node: fx.Node, name: str) -> bool:
    """bmm/matmul of two run-time matrices with equal batch dims -> ActMatmul."""
    if name not in ("bmm", "matmul") or node.op not in ("call_function", "call_method"):
        return False
    a = call_args(node, ("input", "other"))
    x, y = a.get("input"), a.get("other")
    if not isinstance(x, fx.Node) or not isinstance(y, fx.Node) \
            or constant_tensor(gm, x) is not None or constant_tensor(gm, y) is not None:
        return False
    if not _batch_ok(node_shape(x), node_shape(y)):
        return False
    scope = scope_of(node)
    with gm.graph.inserting_before(node):
        # named by scope and op ("...attention.self.matmul", then _2): stable per module
        new = _act_matmul_call(gm, node, x, y, f"{scope}.{name}" if scope else node.name)
    replace_node(gm.graph, node, new)
    return True


def rewrite_sdpa(gm: fx.GraphModule, node: fx.Node, name: str) -> bool:
    """scaled_dot_product_attention -> its math-backend ops with two ActMatmul calls."""
    if name != "scaled_dot_product_attention" or node.op != "call_function":
        return False
    a = call_args(node, _SDPA_NAMES, {"attn_mask": None, "dropout_p": 0.0,
                                      "is_causal": False, "scale": None, "enable_gqa": False})
    sq, sk, sv = (node_shape(a[k]) for k in ("query", "key", "value"))
    if a["dropout_p"] != 0.0 or sq is None or sk is None or sv is None or len(sq) < 3 \
            or sk[:-2] != sv[:-2]:
        return False
    repeat = 1
    if a["enable_gqa"] and sk[-3] != sq[-3]:  # grouped-query heads: each k/v head repeated
        if sq[-3] % sk[-3]:
            return False
        repeat = sq[-3] // sk[-3]
    if sq[:-3] != sk[:-3] or sq[-3] != sk[-3] * repeat:
        return False
    if a["scale"] is not None and a["scale"] < 0:
        return False
    scale = a["scale"] if a["scale"] is not None else 1.0 / math.sqrt(sq[-1])
    factor = math.sqrt(scale)
    scope = scope_of(node)
    base = f"{scope}." if scope else ""
    g = gm.graph
    with g.inserting_before(node):
        key, value = a["key"], a["value"]
        if repeat > 1:
            key = g.call_function(aten.repeat_interleave.self_int, (key, repeat, -3))
            value = g.call_function(aten.repeat_interleave.self_int, (value, repeat, -3))
        q = g.call_function(aten.mul.Tensor, (a["query"], factor))
        kt = g.call_function(aten.transpose.int, (key, -2, -1))
        kt = g.call_function(aten.mul.Tensor, (kt, factor))
        scores = _act_matmul_call(gm, node, q, kt, f"{base}qk")
        mask = a["attn_mask"]
        if a["is_causal"]:
            mask = g.call_function(causal_attention_mask, (scores,))
        elif mask is not None:
            mask = g.call_function(attention_mask_to_float, (mask, scores))
        if mask is not None:
            scores = g.call_function(aten.add.Tensor, (scores, mask))
        probs = g.call_function(aten._safe_softmax.default, (scores, -1))
        out = _act_matmul_call(gm, node, probs, value, f"{base}av")
    replace_node(g, node, out)
    return True
