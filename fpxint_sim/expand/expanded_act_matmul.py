"""Expanded activation x activation product: both operands expanded at run time.

For a (..., M, K) @ b (..., K, N) (attention Q K^T, A V), `a` is expanded with one scale per
row (batch, m) and `b` with one scale per column (batch, n), i.e. per row of b^T: the scales
then factor out of the sum over k, and the product is the AbelianMul of the two series,
n_a x n_b integer jobs y = sum_i sb_i[n] sum_j sa_j[m] (A_j @ B_i). The epilogue has the order
of ExpandedLinear with the b terms in the role of the weight terms: for i ascending (b terms),
inner = sum over kept j ascending of sa_j * acc_ij (a multiply, then an add), y += sb_i * inner.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from fpxint_sim.expand.activation import activation_terms
from fpxint_sim.expand.config import ExpansionConfig
from fpxint_sim.expand.exact_gemm import int_matmul


def act_matmul_rows(a: torch.Tensor, b: torch.Tensor):
    """(rows of a (B*M, K), rows of b^T (B*N, K)) in float64 numpy: one scale per row each."""
    k = a.shape[-1]
    rows_a = a.detach().reshape(-1, k).to(torch.float64).cpu().numpy()
    rows_b = b.detach().transpose(-1, -2).reshape(-1, k).to(torch.float64).cpu().numpy()
    return rows_a, rows_b


def operand_names(layer_name: str) -> tuple[str, str]:
    """Names the two run-time expansions carry (the engine uses the same ones)."""
    return f"{layer_name} a", f"{layer_name} b"


class ExpandedActMatmul(nn.Module):
    """a @ b with both operands expanded at run time (module docstring)."""

    weight_series = None  # no offline weights: both operands are run-time series
    bias_f64 = None
    use_bias = False

    def __init__(self, cfg: ExpansionConfig, name: str):
        super().__init__()
        self.cfg, self.layer_name = cfg, name
        self.a_term_counts: list[int] = []
        self.b_term_counts: list[int] = []
        self.jobs_per_forward: list[int] = []
        self.job_backend = None  # engine hook: an object with run_act_matmul(layer, a, b)

    def _record(self, n_a: int, n_b: int, jobs: int):
        self.a_term_counts.append(n_a)
        self.b_term_counts.append(n_b)
        self.jobs_per_forward.append(jobs)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        if self.job_backend is not None:
            return self.job_backend.run_act_matmul(self, a, b)
        batch, (m, k), n = a.shape[:-2], a.shape[-2:], b.shape[-1]
        nb = int(np.prod(batch))
        name_a, name_b = operand_names(self.layer_name)
        ta = activation_terms(a.reshape(-1, k), self.cfg, name_a)
        tb = activation_terms(b.transpose(-1, -2).reshape(-1, k), self.cfg, name_b)
        y = torch.zeros(nb, m, n, dtype=torch.float64)
        jobs = 0
        for i, (qb, sb, mb) in enumerate(tb, 1):
            kept = [t for j, t in enumerate(ta, 1) if self.cfg.keeps_pair(i, j)]
            if not kept:
                continue
            b_int = qb.reshape(nb, n, k).transpose(-1, -2)
            inner = torch.zeros_like(y)
            for qa, sa, ma in kept:
                acc = int_matmul(qa.reshape(nb, m, k), b_int, ma, mb)
                inner += sa.reshape(nb, m, 1) * acc  # a multiply, then an add (never fused)
            y += sb.reshape(nb, 1, n) * inner
            jobs += len(kept)
        self._record(len(ta), len(tb), jobs)
        return y.to(a.dtype).reshape(*batch, m, n)
