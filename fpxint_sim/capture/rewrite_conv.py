"""Convolution rewrites: every conv1d/conv2d becomes a zero-padding nn.Conv2d call.

- padding modes reflect/replicate/circular: an explicit pad node, then a conv with padding 0
  (what nn.Conv2d itself does, so the values are the same);
- padding='same': ATen's own rule (total d (k - 1) per dim, left = total // 2; an odd total
  pads the extra element on the right with a constant_pad_nd node first); 'valid' is 0;
- conv1d: unsqueeze(2) -> Conv2d with a (1, k) kernel -> squeeze(2), the 2-D view ATen runs
  a 1-D convolution as;
- eval-mode batch_norm on a 4-D input becomes an nn.BatchNorm2d call, so that expansion
  folds it into the conv it follows (expand/fold_bn.py, along the graph's edges).
"""

from __future__ import annotations

import torch
from torch import fx, nn

from fpxint_sim.capture.graph_modules import (
    as_parameter,
    constant_tensor,
    module_path_for,
    register_module,
    weight_owner,
)
from fpxint_sim.capture.node_args import call_args, replace_node
from fpxint_sim.capture.op_names import node_shape

aten = torch.ops.aten
_CONV_NAMES = ("input", "weight", "bias", "stride", "padding", "dilation", "groups")


def _tuple(v, n: int) -> tuple[int, ...]:
    v = [v] if isinstance(v, int) else list(v)
    return tuple(int(e) for e in (v * n if len(v) == 1 else v))


def same_padding(kernel, dilation) -> tuple[list[int], list[int]]:
    """(left, right) zero padding of padding='same' per spatial dim, as ATen computes it."""
    left, right = [], []
    for k, d in zip(kernel, dilation):
        total = d * (k - 1)
        left.append(total // 2)
        right.append(total - total // 2)
    return left, right


def _conv2d_module(weight, bias, stride, padding, dilation, groups) -> nn.Conv2d:
    o, cg, kh, kw = weight.shape
    m = torch.nn.utils.skip_init(nn.Conv2d, cg * groups, o, (kh, kw), stride, padding,
                                 dilation, groups, bias=bias is not None)
    m.weight = as_parameter(weight)
    if bias is not None:
        m.bias = as_parameter(bias)
    return m.eval()


def _conv_spec(gm, node, name):
    """(x, weight node, weight, bias, stride, padding, dilation, groups, pre-pad) or None."""
    if node.op == "call_module":
        m = gm.get_submodule(node.target)
        if type(m) not in (nn.Conv1d, nn.Conv2d) or len(node.args) != 1 or node.kwargs:
            return None
        if type(m) is nn.Conv2d and m.padding_mode == "zeros" and not isinstance(m.padding, str):
            return None  # already what expansion takes
        pad = None
        padding = m.padding
        if m.padding_mode != "zeros":
            pad, padding = (list(m._reversed_padding_repeated_twice), m.padding_mode), 0
        return (node.args[0], node.target, m.weight, m.bias, m.stride, padding, m.dilation,
                m.groups, pad)
    if node.op != "call_function" or name not in ("conv1d", "conv2d"):
        return None
    a = call_args(node, _CONV_NAMES, {"bias": None, "stride": 1, "padding": 0,
                                      "dilation": 1, "groups": 1})
    w, b = constant_tensor(gm, a["weight"]), constant_tensor(gm, a["bias"])
    if w is None or (a["bias"] is not None and b is None):
        return None
    return (a["input"], a["weight"], w, b, a["stride"], a["padding"], a["dilation"],
            a["groups"], None)


def _drop_if_sole_call(gm, node) -> None:
    """Remove the module a call_module node calls when no other node calls it (its path is
    then free for the rewritten module)."""
    if sum(1 for n in gm.graph.nodes if n.op == "call_module" and n.target == node.target) == 1:
        parent_path, _, leaf = str(node.target).rpartition(".")
        delattr(gm.get_submodule(parent_path) if parent_path else gm, leaf)


def rewrite_conv(gm: fx.GraphModule, node: fx.Node, name: str) -> bool:
    """Rewrite a conv1d/conv2d call into [pad ->] [unsqueeze ->] Conv2d [-> squeeze]."""
    spec = _conv_spec(gm, node, name)
    if spec is None:
        return False
    x, w_ref, w, b, stride, padding, dilation, groups, pre_pad = spec
    if w.dim() not in (3, 4) or not torch.is_floating_point(w):
        return False
    dims = w.dim() - 2
    xs = node_shape(x)
    if xs is not None and len(xs) != dims + 2:
        return False  # unbatched input: left to the op list as unhandled
    stride, dilation = _tuple(stride, dims), _tuple(dilation, dims)
    const_pad = None
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * dims
        elif padding == "same":
            left, right = same_padding(w.shape[2:], dilation)
            if left != right:  # ATen pads the extra element on the right, last dim first
                const_pad = []
                for lo, hi in reversed(list(zip(left, right))):
                    const_pad += [0, hi - lo]
            padding = tuple(left)
        else:
            return False
    padding = _tuple(padding, dims)
    graph = gm.graph
    owner = module_path_for(node, w_ref)
    if node.op == "call_module":
        _drop_if_sole_call(gm, node)
    with graph.inserting_before(node):
        h = x
        if pre_pad is not None:
            h = graph.call_function(aten.pad.default, (h, pre_pad[0], pre_pad[1]))
        if const_pad is not None:
            h = graph.call_function(aten.constant_pad_nd.default, (h, const_pad, 0.0))
        if dims == 1:
            h = graph.call_function(aten.unsqueeze.default, (h, 2))
            w2 = w.unsqueeze(2)
            stride, padding, dilation = (1, *stride), (0, *padding), (1, *dilation)
        else:
            w2 = w
        conv = _conv2d_module(w2, b, stride, padding, dilation, groups)
        path = register_module(gm, owner, conv, node)
        h = graph.call_module(path, (h,))
        if dims == 1:
            h = graph.call_function(aten.squeeze.dim, (h, 2))
    replace_node(graph, node, h)
    return True


def rewrite_batch_norm(gm: fx.GraphModule, node: fx.Node, name: str) -> bool:
    """An eval-mode aten.batch_norm on NCHW with constant statistics -> nn.BatchNorm2d call."""
    if node.op != "call_function" or name != "batch_norm":
        return False
    a = call_args(node, ("input", "weight", "bias", "running_mean", "running_var", "training",
                         "momentum", "eps", "cudnn_enabled"))
    xs = node_shape(a["input"])
    t = {k: constant_tensor(gm, a[k]) for k in ("weight", "bias", "running_mean",
                                                "running_var")}
    if a.get("training") or xs is None or len(xs) != 4 or t["running_mean"] is None \
            or t["running_var"] is None or (t["weight"] is None) != (t["bias"] is None) \
            or (a["weight"] is not None and t["weight"] is None):
        return False
    affine = t["weight"] is not None
    bn = torch.nn.utils.skip_init(nn.BatchNorm2d, xs[1], eps=float(a["eps"]),
                                  momentum=float(a["momentum"]), affine=affine)
    if affine:
        bn.weight, bn.bias = as_parameter(t["weight"]), as_parameter(t["bias"])
    bn.running_mean, bn.running_var = t["running_mean"], t["running_var"]
    owner = weight_owner(a["running_mean"])
    base = owner[: -len("running_mean")].rstrip("._") if owner else ""
    holder = _holder(gm, base)
    tracked = getattr(holder, "num_batches_tracked", None)
    bn.num_batches_tracked = tracked if isinstance(tracked, torch.Tensor) else torch.zeros(
        (), dtype=torch.long)
    path = register_module(gm, base or module_path_for(node, None), bn.eval(), node)
    with gm.graph.inserting_before(node):
        new = gm.graph.call_module(path, (a["input"],))
    replace_node(gm.graph, node, new)
    return True


def _holder(gm, path: str):
    try:
        return gm.get_submodule(path) if path else None
    except AttributeError:
        return None
