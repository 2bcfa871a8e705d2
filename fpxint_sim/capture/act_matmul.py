"""ActMatmul: a product of two run-time tensors (attention Q K^T and A V) as a module.

Its float forward is torch.matmul(a, b), the op it replaces. Expansion turns it into an
ExpandedActMatmul whose BOTH operands are expanded at run time (fpxint_sim/expand).
"""

from __future__ import annotations

import torch
from torch import nn


class ActMatmul(nn.Module):
    """a (..., M, K) @ b (..., K, N) with equal batch dims, both operands activations."""

    op_name = "act_matmul"

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a, b)
