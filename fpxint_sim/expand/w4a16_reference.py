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
PART_ELEMS = 1 << 24  # fold partial sums held at once (64 MiB of float32)


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
    # Position r of every fold as one contiguous (R, ..., F, M, 1) and (R, ..., F, 1, N) slice.
    xr = xf.movedim(-1, 0).transpose(-1, -2).unsqueeze(-1).contiguous()
    wr = wf.movedim(-1, 0).transpose(-1, -2).unsqueeze(-2).contiguous()
    # Folds side by side, as many at once as PART_ELEMS allows; their sums then go into the
    # output one fold at a time, fold-ascending.
    per_fold = max(1, out.numel())
    step = max(1, PART_ELEMS // per_fold)
    for f0 in range(0, folds, step):
        f1 = min(folds, f0 + step)
        part = torch.zeros((*out.shape[:-2], f1 - f0, *out.shape[-2:]), dtype=torch.float32)
        for r in range(size):  # position r of these folds: a multiply, then an add
            part = part + xr[r, ..., f0:f1, :, :] * wr[r, ..., f0:f1, :, :]
        for f in range(f1 - f0):
            out = out + part[..., f, :, :]
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
