"""Fold BatchNorm2d into the Conv2d before it (eval-mode statistics), before expansion.

W' = W * g / sqrt(var + eps) per output channel, b' = (b - mean) * g / sqrt(var + eps) + beta.
A BatchNorm that does not directly follow a Conv2d in the same container stays a float layer
and is listed by the expander.
"""

from __future__ import annotations

from itertools import pairwise

import torch
from torch import nn


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


def fold_batchnorm(module: nn.Module) -> int:
    """Fold each Conv2d -> BatchNorm2d pair of consecutive children in place; returns the count."""
    count = 0
    for child in module.children():
        count += fold_batchnorm(child)
    names = list(module._modules)
    for a, b in pairwise(names):
        conv, bn = module._modules[a], module._modules[b]
        if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d) \
                and bn.track_running_stats and bn.running_mean is not None:
            module._modules[a] = _folded(conv, bn)
            module._modules[b] = nn.Identity()
            count += 1
    return count
