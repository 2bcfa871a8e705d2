"""PyTorch integer references of one job, independent of the Numba kernels (docs/engine.md).

GEMM: exact int64 torch matmul. Conv: float64 torch conv2d, exact because every partial sum is
an integer below 2^53 (checked: K * max|x| * max|w| < 2^53). `raw` uses the operands the PEs
take (padding holds the image's zero point); `centered` uses x - z with zero padding, the job
the PyTorch expanded network computes. `configured` applies the accumulator arithmetic's
reference model: wrap reduces modulo 2^acc_bits; saturate keeps the exact value (a clamp is
an overflow event and shows as a mismatch).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

EXACT_F64 = 2**53


def _conv_exact(x: torch.Tensor, w: torch.Tensor, conv: dict, padding) -> torch.Tensor:
    k = w.shape[1] * w.shape[2] * w.shape[3]
    bound = k * int(x.abs().max()) * int(w.abs().max())
    if bound >= EXACT_F64:
        raise ValueError(f"conv reference bound {bound} >= 2^53: float64 is not exact")
    y = F.conv2d(x.to(torch.float64), w.to(torch.float64), None, conv["stride"], padding,
                 conv["dilation"], conv["groups"])
    return y.to(torch.int64)


def raw_reference(rec) -> torch.Tensor:
    """Exact int64 accumulators of the raw operands (zero-point padding for convs)."""
    if rec.kind == "act_matmul":
        return act_matmul_raw_reference(rec)
    x = torch.from_numpy(rec.x_raw.astype(np.int64))
    w = torch.from_numpy(rec.w_q.astype(np.int64))
    if rec.conv is None:
        return x @ w.T
    n, c, h, wd = x.shape
    ph, pw = rec.conv["padding"]
    z = torch.from_numpy(rec.x_zero.astype(np.int64))
    xp = z.reshape(n, 1, 1, 1).expand(n, c, h + 2 * ph, wd + 2 * pw).clone()
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    return _conv_exact(xp, w, rec.conv, 0)


def centered_reference(rec) -> torch.Tensor:
    """Exact int64 job on centered operands (x - z, zero padding): what the float network uses."""
    if rec.kind == "act_matmul":
        return act_matmul_centered_reference(rec)
    x = torch.from_numpy(rec.x_raw.astype(np.int64))
    w = torch.from_numpy(rec.w_q.astype(np.int64))
    z = torch.from_numpy(rec.x_zero.astype(np.int64))
    if rec.conv is None:
        return (x - z.reshape(-1, 1)) @ w.T
    return _conv_exact(x - z.reshape(-1, 1, 1, 1), w, rec.conv, rec.conv["padding"])


def act_matmul_raw_reference(rec) -> torch.Tensor:
    """Activation x activation job: exact int64 batched A_raw (B, M, K) @ B_raw (B, K, N)."""
    a = torch.from_numpy(rec.x_raw.astype(np.int64))
    b_t = torch.from_numpy(rec.w_q.astype(np.int64))  # the held operand as (B, N, K)
    return torch.matmul(a, b_t.transpose(-1, -2))


def act_matmul_centered_reference(rec) -> torch.Tensor:
    """Activation x activation job on both centered operands: (A - za) @ (B - zb), int64."""
    a = torch.from_numpy(rec.x_raw.astype(np.int64) - rec.x_zero.astype(np.int64)[..., None])
    zb = np.zeros(rec.w_q.shape[:2], np.int64) if rec.w_zero is None else rec.w_zero
    b_t = torch.from_numpy(rec.w_q.astype(np.int64) - zb.astype(np.int64)[..., None])
    return torch.matmul(a, b_t.transpose(-1, -2))


def configured(exact: torch.Tensor, acc_bits: int, overflow_mode: str) -> torch.Tensor:
    """The reference model of the accumulator arithmetic applied to exact sums."""
    if overflow_mode != "wrap" or acc_bits >= 64:
        return exact
    half, full = 1 << (acc_bits - 1), 1 << acc_bits
    return torch.remainder(exact + half, full) - half
