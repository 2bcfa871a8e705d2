"""W4A16 layers: a Linear as n_w INT4 weight terms against 16-bit float activations, and an
activation x activation product in the activation format. Their forward is the PyTorch
reference of the declared arithmetic (docs/w4a16.md); `job_backend` set runs the layer on the
engine instead (fpxint_sim/engine/w4a16_run.py).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from fpxint_sim.expand.w4a16_reference import (
    dequantized_weight,
    ordered_fold_matmul,
    round_activation,
)
from fpxint_sim.hw.schema import W4A16Spec
from fpxint_sim.series.expand import expand_tensor

WEIGHT_BITS = 4  # INT4 weight terms, symmetric, per output channel


def term_scales(term, rows: int) -> np.ndarray:
    """A weight term's per-output-channel scales (rows,), float64 as the series holds them."""
    return np.broadcast_to(term.scale, (rows, 1)).reshape(rows).astype(np.float64)


class W4A16Linear(nn.Module):
    """y = epilogue over the weight terms of ordered fp32 sums of q_t x round(x) (module doc)."""

    def __init__(self, linear: nn.Linear, w_terms: int, spec: W4A16Spec, array_rows: int,
                 scale_policy: str, name: str):
        super().__init__()
        self.layer_name, self.spec, self.array_rows = name, spec, array_rows
        self.in_features, self.out_features = linear.in_features, linear.out_features
        w = linear.weight.detach().to(torch.float64).cpu().numpy()
        self.weight_series = expand_tensor(w, bits=WEIGHT_BITS, terms=w_terms, axis=0,
                                           scale_policy=scale_policy, name=f"{name}.weight")
        self.bias = None if linear.bias is None else linear.bias.detach().to(torch.float32)
        # The reference's operands: integer terms and fp32 scales as torch tensors.
        self.ref_terms = [(torch.from_numpy(t.centered().astype(np.float32)),
                           torch.from_numpy(term_scales(t, self.out_features)).to(torch.float32))
                          for t in self.weight_series.terms]
        self.ref_dequantized = None
        if spec.w4a16_mac == "dequant_fp16":
            self.ref_dequantized = dequantized_weight(
                self.ref_terms, (self.out_features, self.in_features), spec.activation_format)
        self.jobs_per_forward: list[int] = []
        self.job_backend = None  # engine hook: an object with run_linear(layer, x) -> y

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.job_backend is not None:
            return self.job_backend.run_linear(self, x)
        lead = x.shape[:-1]
        x2 = round_activation(x, self.spec.activation_format).reshape(-1, self.in_features)
        fold = self.spec.fold_size(self.array_rows, self.in_features)
        if self.ref_dequantized is not None:
            y, jobs = ordered_fold_matmul(x2, self.ref_dequantized, fold), 1
        else:
            y, jobs = torch.zeros(x2.shape[0], self.out_features), 0
            for t, (q, s) in enumerate(self.ref_terms):
                term = s.reshape(1, -1) * ordered_fold_matmul(x2, q, fold)
                y = term if t == 0 else y + term
                jobs += 1
        if self.bias is not None:
            y = y + self.bias
        self.jobs_per_forward.append(jobs)
        return y.reshape(*lead, self.out_features)


class W4A16ActMatmul(nn.Module):
    """a (..., M, K) @ b (..., K, N): both rounded to the activation format, ordered fp32 sums."""

    weight_series = None  # both operands are run-time activations

    def __init__(self, spec: W4A16Spec, array_rows: int, name: str):
        super().__init__()
        self.layer_name, self.spec, self.array_rows = name, spec, array_rows
        self.jobs_per_forward: list[int] = []
        self.job_backend = None  # engine hook: run_act_matmul(layer, a, b) -> y

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        if self.job_backend is not None:
            return self.job_backend.run_act_matmul(self, a, b)
        fmt = self.spec.activation_format
        fold = self.spec.fold_size(self.array_rows, a.shape[-1])
        y = ordered_fold_matmul(round_activation(a, fmt),
                                round_activation(b, fmt).transpose(-1, -2), fold)
        self.jobs_per_forward.append(1)
        return y
