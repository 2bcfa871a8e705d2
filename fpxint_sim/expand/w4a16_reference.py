"""The PyTorch reference of the W4A16 arithmetic (docs/w4a16.md), in torch float32 ops.

Written apart from the engine's Numba kernel (fpxint_sim/kernels/fp32_fold_gemm.py) and its
bit-pattern rounding (fpxint_sim/kernels/float_formats.py): the rounding here is torch's own
.half() / .bfloat16(), and the ordered sum runs position by position inside the folds with
all folds side by side, then adds the fold sums in fold order.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

TORCH_FORMATS = {"fp16": torch.float16, "bf16": torch.bfloat16}


def round_activation(x: torch.Tensor, fmt: str) -> torch.Tensor:
    """x as float32, rounded (RNE) to the activation format `fmt`, returned as float32."""
    return x.to(torch.float32).to(TORCH_FORMATS[fmt]).to(torch.float32)


def ordered_fold_matmul(x: torch.Tensor, w: torch.Tensor, fold: int) -> torch.Tensor:
    """x (..., M, K) times w (..., N, K)^T in float32: products exact, summed in fp32 in folds
    of `fold` k's (k ascending from +0.0 inside a fold, fold sums ascending from +0.0)."""
    k = x.shape[-1]
    out = torch.zeros((*x.shape[:-1], w.shape[-2]), dtype=torch.float32)
    if k == 0:
        return out
    size = min(fold, k)
    folds = -(-k // size)
    pad = folds * size - k
    # The padded products are (+0.0) * (-0.0) = -0.0, and p + (-0.0) == p for every p.
    xf = F.pad(x.to(torch.float32), (0, pad), value=0.0).reshape(*x.shape[:-1], folds, size)
    wf = F.pad(w.to(torch.float32), (0, pad), value=-0.0).reshape(*w.shape[:-1], folds, size)
    xf, wf = xf.unsqueeze(-3), wf.unsqueeze(-4)  # (..., M, 1, F, R) and (..., 1, N, F, R)
    part = torch.zeros((*out.shape, folds), dtype=torch.float32)
    for r in range(size):  # position r of every fold at once: a multiply, then an add
        part = part + xf[..., r] * wf[..., r]
    for f in range(folds):
        out = out + part[..., f]
    return out


def dequantized_weight(terms: list[tuple[torch.Tensor, torch.Tensor]], shape,
                       fmt: str) -> torch.Tensor:
    """The vector unit's rebuilt weight: fp32 sum over t ascending of s_t * q_t (per output
    channel s_t), rounded to the activation format; zeros when there is no term."""
    w = None
    for q, s in terms:
        term = s.reshape(-1, 1) * q
        w = term if w is None else w + term
    if w is None:
        w = torch.zeros(shape, dtype=torch.float32)
    return round_activation(w, fmt)
