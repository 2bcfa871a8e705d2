"""Expanded activation x activation product: both operands expanded at run time.

For a (..., M, K) @ b (..., K, N) (attention Q K^T, A V), `a` is expanded with one scale per
row (batch, m) and `b` with one scale per column (batch, n), i.e. per row of b^T: the scales
then factor out of the sum over k, and the product is the AbelianMul of the two series,
n_a x n_b integer jobs y = sum_i sb_i[n] sum_j sa_j[m] (A_j @ B_i). The epilogue has the order
of ExpandedLinear with the b terms in the role of the weight terms (expand/epilogue.py, the
function the engine calls too): for i ascending (b terms), inner = sum over kept j ascending of
sa_j * acc_ij (a multiply, then an add), y += sb_i * inner.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from fpxint_sim.expand.activation import expanded_input
from fpxint_sim.expand.call_record import call_record
from fpxint_sim.expand.config import ExpansionConfig
from fpxint_sim.expand.epilogue import scale_and_sum
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

    kind = "act_matmul"
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
        self.recorder = None  # called with each call's record (expand/forward_record.py)

    def finish_call(self, a_shape, y_shape, a_records, b_records, pairs,
                    overflow_events: int | None = None) -> None:
        """Count the call, and hand its record to the recorder (the b terms are held)."""
        self.a_term_counts.append(len(a_records))
        self.b_term_counts.append(len(b_records))
        self.jobs_per_forward.append(len(pairs))
        if self.recorder is not None:
            self.recorder(call_record(self, a_shape, y_shape, a_records, pairs,
                                      tuple(t.term_type for t in b_records), b_records,
                                      overflow_events))

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        if self.job_backend is not None:
            return self.job_backend.run_act_matmul(self, a, b)
        batch, (m, k), n = a.shape[:-2], a.shape[-2:], b.shape[-1]
        nb = int(np.prod(batch))
        name_a, name_b = operand_names(self.layer_name)
        rows_a, rows_b = act_matmul_rows(a, b)
        ta, ra = expanded_input(rows_a, self.cfg, name_a)
        tb, rb = expanded_input(rows_b, self.cfg, name_b)
        pairs = self.cfg.kept_pairs(len(tb), len(ta))

        def jobs(i, js):
            qb, _, mb = tb[i - 1]
            b_int = qb.reshape(nb, n, k).transpose(-1, -2)
            return (int_matmul(ta[j - 1][0].reshape(nb, m, k), b_int, ta[j - 1][2], mb).numpy()
                    for j in js)

        y = scale_and_sum(pairs, jobs, [s.reshape(nb, 1, n) for _, s, _ in tb],
                          [s.reshape(nb, m, 1) for _, s, _ in ta], (nb, m, n))
        self.finish_call(a.shape, (*batch, m, n), ra, rb, pairs)
        return torch.from_numpy(y).to(a.dtype).reshape(*batch, m, n)
