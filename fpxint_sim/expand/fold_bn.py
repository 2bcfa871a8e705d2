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

from fpxint_sim.capture.bn_pairs import conv_bn_pairs, foldable_batchnorm


def _folded(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    w = conv.weight.detach().double()
    b = conv.bias.detach().double() if conv.bias is not None else torch.zeros(w.shape[0],
                                                                               dtype=torch.float64)
    g = bn.weight.detach().double() if bn.affine else torch.ones_like(b)
    beta = bn.bias.detach().double() if bn.affine else torch.zeros_like(b)
    inv = g / torch.sqrt(bn.running_var.detach().double() + bn.eps)
    # built on the meta device and given its two tensors: torch's random init (ResNet-50:
    # 0.1-0.2 s over 25 M weights) is not run, nor does it draw from the global RNG (and
    # skip_init's to_empty would import sympy, a quarter second)
    out = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                    conv.padding, conv.dilation, conv.groups, bias=True,
                    padding_mode=conv.padding_mode, device="meta")
    mean = bn.running_mean.detach().double()
    out.weight = nn.Parameter((w * inv.reshape(-1, 1, 1, 1)).to(conv.weight.dtype),
                              requires_grad=conv.weight.requires_grad)
    out.bias = nn.Parameter(((b - mean) * inv + beta).to(conv.weight.dtype),
                            requires_grad=conv.weight.requires_grad)
    return out


def fold_batchnorm_graph(gm: fx.GraphModule) -> int:
    """Fold each Conv2d call feeding only a BatchNorm2d call, along the graph; the count."""
    pairs = conv_bn_pairs(gm)
    for node, user in pairs:
        conv, bn = gm.get_submodule(node.target), gm.get_submodule(user.target)
        parent, _, leaf = node.target.rpartition(".")
        setattr(gm.get_submodule(parent) if parent else gm, leaf, _folded(conv, bn))
        user.replace_all_uses_with(node)
        gm.graph.erase_node(user)
    if pairs:
        gm.delete_all_unused_submodules()
        gm.recompile()
    return len(pairs)


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
        if isinstance(conv, nn.Conv2d) and foldable_batchnorm(bn):
            module._modules[a] = _folded(conv, bn)
            module._modules[b] = nn.Identity()
            count += 1
    return count
