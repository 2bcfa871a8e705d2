"""Exact integer GEMM/conv through float BLAS, where a bound proves it exact.

If every product |a| * |b| and every partial sum of a K-long dot product stays below 2^p, all of
them are integers that float32 (p = 24) or float64 (p = 53) represents exactly, so the result is
exact in any summation order, including BLAS's blocked and threaded ones. INT4 x INT4 with
K = 1536 needs 7 * 15 * 1536 = 161,280 < 2^24: float32 suffices. Otherwise float64; past 2^53
the job runs in int64 (slow, never met by b <= 8 terms with K < 2^37).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _full_fp32() -> bool:
    """False when torch may run float32 matmuls in reduced precision (TF32/bf16 modes)."""
    return torch.get_float32_matmul_precision() == "highest"


def exact_dtype(max_a: int, max_b: int, k: int) -> torch.dtype:
    bound = int(max_a) * int(max_b) * int(k)
    if bound < 2**24 and _full_fp32():
        return torch.float32
    if bound < 2**53:
        return torch.float64
    return torch.int64


def int_linear(x: torch.Tensor, w: torch.Tensor, max_x: int, max_w: int) -> torch.Tensor:
    """x (T, K) @ w (O, K)^T for integer-valued tensors, exact; returns float64."""
    dt = exact_dtype(max_x, max_w, x.shape[-1])
    return (x.to(dt) @ w.to(dt).T).to(torch.float64)


def int_conv2d(x, w, max_x: int, max_w: int, stride, padding, dilation, groups) -> torch.Tensor:
    """conv2d of integer-valued NCHW x and OIHW w (zero padding), exact; returns float64."""
    k = w.shape[1] * w.shape[2] * w.shape[3]
    dt = exact_dtype(max_x, max_w, k)
    if dt == torch.int64:  # torch has no int64 conv on CPU; unreachable for b <= 8 terms
        raise ValueError(f"conv2d job with K={k} exceeds float64's exact range")
    return F.conv2d(x.to(dt), w.to(dt), None, stride, padding, dilation, groups).to(torch.float64)


def int_matmul(a: torch.Tensor, b: torch.Tensor, max_a: int, max_b: int) -> torch.Tensor:
    """a (..., M, K) @ b (..., K, N) for integer-valued tensors, exact; returns float64."""
    dt = exact_dtype(max_a, max_b, a.shape[-1])
    return torch.matmul(a.to(dt), b.to(dt)).to(torch.float64)
