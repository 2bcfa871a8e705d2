"""PyTorch integer references of one job under the declared accumulator arithmetic, written
from the definitions in docs/accumulators.md and independent of the Numba kernels.

Operands become patch matrices (a GEMM's rows; a conv's im2col windows as strided views of the
padded input, in the reduction order k = (c * KH + r) * KW + s); products and sums are int64.
The arithmetic:
- wrap: wrap_b(exact sum) (modular, order-free);
- saturate: per fold of `k_tile` k's, a running sum clamped after every addition in increasing
  k, the fold sums added, clamped, in fold order;
- fbgemm pairs: the terms are the int16-saturated sums of the products (k, k + 1), k even
  (an odd K padded with a zero product), then wrapped or saturated as above.
The ordered loops run only on outputs where a clamp is possible (sum of |products| beyond the
range, or a pair beyond int16): elsewhere every order gives the exact sum.
`raw` uses the operands the PEs take (padding holds the image's zero point); `corrected` adds
the zero-point correction as the epilogue does (wrapped under wrap, wide under saturate), and
under plain wrap is instead the independently computed centered job x - z with zero padding.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

INT16_LO, INT16_HI = -(1 << 15), (1 << 15) - 1
CHUNK_ELEMS = 1 << 22  # products held at once by the ordered loops (32 MiB of int64)


def wrap(v: torch.Tensor, acc_bits: int) -> torch.Tensor:
    if acc_bits >= 64:
        return v
    half, full = 1 << (acc_bits - 1), 1 << acc_bits
    return torch.remainder(v + half, full) - half


def _patches(x: torch.Tensor, kernel, conv: dict) -> list[torch.Tensor]:
    """Per group, the (N * L, Cg * KH * KW) im2col matrix of padded NCHW int64 x: windows of
    (dilated) kernel extent taken every `stride`, the kernel taps every `dilation` within."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, conv["stride"], conv["dilation"]
    win = x.unfold(2, dh * (kh - 1) + 1, sh).unfold(3, dw * (kw - 1) + 1, sw)
    win = win[..., ::dh, ::dw]  # (N, C, OH, OW, KH, KW)
    g = conv["groups"]
    cg = x.shape[1] // g
    return [win[:, i * cg:(i + 1) * cg].permute(0, 2, 3, 1, 4, 5).reshape(-1, cg * kh * kw)
            for i in range(g)]


def _job(x: torch.Tensor, w: torch.Tensor, conv, pad_value, rec) -> torch.Tensor:
    """Accumulators of the job (GEMM (R, O) or conv NCHW) under the record's arithmetic."""
    if conv is None:
        return accumulate(x, w, rec)
    n, _, h, wd = x.shape
    ph, pw = conv["padding"]
    xp = pad_value.reshape(n, 1, 1, 1).expand(n, x.shape[1], h + 2 * ph, wd + 2 * pw).clone()
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    o, _, kh, kw = w.shape
    og = o // conv["groups"]
    parts = [accumulate(a, w[i * og:(i + 1) * og].reshape(og, -1), rec)
             for i, a in enumerate(_patches(xp, (kh, kw), conv))]
    y = torch.cat(parts, dim=1)  # (N * L, O)
    dh, dw = conv["dilation"]
    sh, sw = conv["stride"]
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    return y.reshape(n, oh, ow, o).permute(0, 3, 1, 2)


FLOAT32_EXACT = 1 << 24  # every integer of magnitude up to 2^24 is a float32


def exact_product(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """x (R, K) @ w (O, K)^T, exact, int64. When K * max|x| * max|w| <= 2^24 every partial sum
    (in any order) is an integer a float32 holds exactly, so float32 BLAS gives the exact sums
    (measured 2.7x faster than torch's int64 matmul on a 12544 x 576 x 64 INT4 job, conversions
    included; float64 was slower than int64); otherwise int64 matmul. Either way independent of
    the kernels under test."""
    if x.numel() == 0 or w.numel() == 0:
        return torch.zeros((x.shape[0], w.shape[0]), dtype=torch.int64)
    bound = x.shape[1] * int(x.abs().max()) * int(w.abs().max())
    if bound <= FLOAT32_EXACT:
        return (x.to(torch.float32) @ w.to(torch.float32).T).to(torch.int64)
    return x @ w.T


def accumulate(x: torch.Tensor, w: torch.Tensor, rec) -> torch.Tensor:
    """x (R, K) int64 times w (O, K)^T under the arithmetic of `rec` (acc_bits, overflow_mode,
    pair_saturate_int16, k_tile): (R, O) int64."""
    exact = exact_product(x, w)
    saturate = rec.overflow_mode == "saturate"
    if not rec.pair_saturate_int16 and (not saturate or rec.acc_bits >= 64):
        return exact if saturate else wrap(exact, rec.acc_bits)
    risky = torch.zeros(exact.shape, dtype=torch.bool)
    if saturate:  # no partial sum in any order exceeds the sum of |products|
        risky |= exact_product(x.abs(), w.abs()) > (1 << (rec.acc_bits - 1)) - 1
    if rec.pair_saturate_int16:
        xa = F.pad(x.abs(), (0, x.shape[1] % 2)).reshape(x.shape[0], -1, 2).sum(2).amax(1)
        risky |= (xa[:, None] * w.abs().amax(1)[None, :]) > INT16_HI
    out = exact if saturate else wrap(exact, rec.acc_bits)
    rows, cols = torch.nonzero(risky, as_tuple=True)
    step = max(1, CHUNK_ELEMS // max(1, x.shape[1]))
    for s in range(0, len(rows), step):
        r, c = rows[s:s + step], cols[s:s + step]
        out[r, c] = ordered_sum(x[r] * w[c], rec)
    return out


def ordered_sum(products: torch.Tensor, rec) -> torch.Tensor:
    """(C, K) int64 products, k increasing, reduced by the declared arithmetic: (C,)."""
    terms, per_k = products, 1
    if rec.pair_saturate_int16:
        terms = F.pad(products, (0, products.shape[1] % 2)).reshape(len(products), -1, 2).sum(2)
        terms, per_k = terms.clamp(INT16_LO, INT16_HI), 2
    if rec.overflow_mode != "saturate":
        return wrap(terms.sum(1), rec.acc_bits)
    lo, hi = -(1 << (rec.acc_bits - 1)), (1 << (rec.acc_bits - 1)) - 1
    fold = terms.shape[1] if rec.k_tile is None else max(1, rec.k_tile // per_k)
    total = torch.zeros(len(terms), dtype=torch.int64)
    for f0 in range(0, terms.shape[1], fold):
        p = torch.zeros(len(terms), dtype=torch.int64)
        for k in range(f0, min(f0 + fold, terms.shape[1])):
            p = (p + terms[:, k]).clamp(lo, hi)
        total = (total + p).clamp(lo, hi)
    return total


def raw_reference(rec) -> torch.Tensor:
    """Accumulators of the raw operands (zero-point padding for convs), declared arithmetic."""
    if rec.kind == "act_matmul":
        return act_matmul_raw_reference(rec)
    x = torch.from_numpy(rec.x_raw.astype(np.int64))
    w = torch.from_numpy(rec.w_q.astype(np.int64))
    return _job(x, w, rec.conv, torch.from_numpy(rec.x_zero.astype(np.int64)), rec)


def corrected_reference(rec, raw: torch.Tensor) -> torch.Tensor:
    """The zero-point-corrected accumulators: under plain wrap the centered job (x - z, zero
    padding) computed on its own; otherwise `raw` minus z * (sum of the weights), the epilogue
    wrapping it under wrap and keeping it wide (int64) under saturate."""
    if rec.kind == "act_matmul":
        return act_matmul_corrected_reference(rec, raw)
    z = torch.from_numpy(rec.x_zero.astype(np.int64))
    w = torch.from_numpy(rec.w_q.astype(np.int64))
    if rec.overflow_mode == "wrap" and not rec.pair_saturate_int16:
        x = torch.from_numpy(rec.x_raw.astype(np.int64))
        shape = (-1, 1) if rec.conv is None else (-1, 1, 1, 1)
        return _job(x - z.reshape(shape), w, rec.conv, torch.zeros_like(z), rec)
    wsum = w.reshape(w.shape[0], -1).sum(1)
    if rec.conv is None:
        corr = -z[:, None] * wsum[None, :]
    else:
        corr = -z[:, None, None, None] * wsum[None, :, None, None]
    out = raw + corr
    return out if rec.overflow_mode == "saturate" else wrap(out, rec.acc_bits)


def _act_matmul_operands(rec) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(A (B, M, K), B^T (B, N, K), za (B, M), zb (B, N)) int64 of an activation x activation
    job: the moving term's rows and the held term's columns, as the PEs take them."""
    a = torch.from_numpy(rec.x_raw.astype(np.int64))
    bt = torch.from_numpy(rec.w_q.astype(np.int64))
    za = torch.from_numpy(rec.x_zero.astype(np.int64))
    zb = torch.zeros(bt.shape[:2], dtype=torch.int64) if rec.w_zero is None else \
        torch.from_numpy(rec.w_zero.astype(np.int64))
    return a, bt, za, zb


def act_matmul_raw_reference(rec) -> torch.Tensor:
    """Activation x activation job: per batch matrix A_raw @ B_raw under the declared
    arithmetic (B, M, N)."""
    a, bt, _, _ = _act_matmul_operands(rec)
    return torch.stack([accumulate(a[g], bt[g], rec) for g in range(a.shape[0])]) \
        if a.shape[0] else torch.zeros((0, a.shape[1], bt.shape[1]), dtype=torch.int64)


def act_matmul_corrected_reference(rec, raw: torch.Tensor) -> torch.Tensor:
    """Both zero points corrected: under plain wrap the centered job (A - za) @ (B - zb)
    computed on its own; otherwise raw - za colsum(B) - zb rowsum(A) + K za zb, wrapped under
    wrap and wide under saturate (as the epilogue does for weight jobs)."""
    a, bt, za, zb = _act_matmul_operands(rec)
    if rec.overflow_mode == "wrap" and not rec.pair_saturate_int16:
        ac, bc = a - za[..., None], bt - zb[..., None]
        return torch.stack([accumulate(ac[g], bc[g], rec) for g in range(a.shape[0])]) \
            if a.shape[0] else raw.clone()
    k = a.shape[2]
    corr = (-za[:, :, None] * bt.sum(2)[:, None, :] - zb[:, None, :] * a.sum(2)[:, :, None]
            + k * za[:, :, None] * zb[:, None, :])
    out = raw + corr
    return out if rec.overflow_mode == "saturate" else wrap(out, rec.acc_bits)
