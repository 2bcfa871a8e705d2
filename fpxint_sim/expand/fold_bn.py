"""Fold BatchNorm2d into the Conv2d before it (eval-mode statistics), before expansion.

W' = W * g / sqrt(var + eps) per output channel, b' = (b - mean) * g / sqrt(var + eps) + beta.
A BatchNorm that does not directly follow a Conv2d in the same container stays a float layer
and is listed by the expander. In a torch.fx GraphModule (a captured model) the pairs are read
from the graph's edges instead: a Conv2d call whose only user is a BatchNorm2d call, each
module called once.
"""

from __future__ import annotations

from itertools import pairwise

import torch
from torch import fx, nn


def _folded(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    w = conv.weight.detach().double()
    b = conv.bias.detach().double() if conv.bias is not None else torch.zeros(w.shape[0],
                                                                               dtype=torch.float64)
    g = bn.weight.detach().double() if bn.affine else torch.ones_like(b)
    beta = bn.bias.detach().double() if bn.affine else torch.zeros_like(b)
    inv = g / torch.sqrt(bn.running_var.detach().double() + bn.eps)
    out = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                    conv.padding, conv.dilation, conv.groups, bias=True,
                    padding_mode=conv.padding_mode)
    with torch.no_grad():
        out.weight.copy_((w * inv.reshape(-1, 1, 1, 1)).to(conv.weight.dtype))
        mean = bn.running_mean.detach().double()
        out.bias.copy_(((b - mean) * inv + beta).to(conv.weight.dtype))
    return out


def _foldable_bn(bn) -> bool:
    return isinstance(bn, nn.BatchNorm2d) and bn.track_running_stats \
        and bn.running_mean is not None


def fold_batchnorm_graph(gm: fx.GraphModule) -> int:
    """Fold each Conv2d call feeding only a BatchNorm2d call, along the graph; the count."""
    calls: dict[str, int] = {}
    for node in gm.graph.nodes:
        if node.op == "call_module":
            calls[node.target] = calls.get(node.target, 0) + 1
    count = 0
    for node in list(gm.graph.nodes):
        if node.op != "call_module" or len(node.users) != 1:
            continue
        user = next(iter(node.users))
        if user.op != "call_module" or user.args != (node,) or user.kwargs:
            continue
        conv, bn = gm.get_submodule(node.target), gm.get_submodule(user.target)
        if type(conv) is not nn.Conv2d or not _foldable_bn(bn) \
                or calls[node.target] != 1 or calls[user.target] != 1:
            continue
        parent, _, leaf = node.target.rpartition(".")
        setattr(gm.get_submodule(parent) if parent else gm, leaf, _folded(conv, bn))
        user.replace_all_uses_with(node)
        gm.graph.erase_node(user)
        count += 1
    if count:
        gm.delete_all_unused_submodules()
        gm.recompile()
    return count


def fold_batchnorm(module: nn.Module) -> int:
    """Fold each Conv2d -> BatchNorm2d pair of consecutive children in place (along the graph
    in a GraphModule); returns the count."""
    if isinstance(module, fx.GraphModule):
        return fold_batchnorm_graph(module)
    count = 0
    for child in module.children():
        count += fold_batchnorm(child)
    names = list(module._modules)
    for a, b in pairwise(names):
        conv, bn = module._modules[a], module._modules[b]
        if isinstance(conv, nn.Conv2d) and _foldable_bn(bn):
            module._modules[a] = _folded(conv, bn)
            module._modules[b] = nn.Identity()
            count += 1
    return count
