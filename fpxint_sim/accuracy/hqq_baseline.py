"""HQQ weight-only baseline (Badri & Shaji 2023): 4-bit weights, group 64, float activations.

The `hqq` package (optional extra `hqq`) quantizes each weight matrix (a Conv2d kernel as its
(O, C*kh*kw) matrix); the dequantized weights are written into a float copy of the model, so the
baseline runs with the same float activations as W4A16. Weights whose size is not a multiple
of the group stay float and are listed.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from fpxint_sim.errors import MissingExtraError


def hqq_weight_only(module: nn.Module, bits: int = 4, group_size: int = 64):
    """(quantized float copy, quantized layer names, [(name, reason)] left float)."""
    try:
        from hqq.core.quantize import BaseQuantizeConfig, HQQLinear
    except ImportError as err:
        raise MissingExtraError("the HQQ baseline", "hqq") from err
    model = copy.deepcopy(module).eval()
    cfg = BaseQuantizeConfig(nbits=bits, group_size=group_size)
    done, skipped = [], []
    for name, m in model.named_modules():
        if not isinstance(m, (nn.Linear, nn.Conv2d)):
            continue
        w = m.weight.detach().reshape(m.weight.shape[0], -1)
        if w.numel() % group_size:
            skipped.append((name, f"{w.numel()} weights, not a multiple of {group_size}"))
            continue
        tmp = nn.Linear(w.shape[1], w.shape[0], bias=False)
        with torch.no_grad():
            tmp.weight.copy_(w)
        deq = HQQLinear(tmp, cfg, compute_dtype=torch.float32, device="cpu").dequantize()
        with torch.no_grad():
            m.weight.copy_(deq.reshape(m.weight.shape).to(m.weight.dtype))
        done.append(name)
    return model, done, skipped
