"""Expanded Linear and Conv2d: y = sum_i s_i sum_j t_j (W_i * X_j) + bias.

Weights carry n_w terms fixed offline (per output channel); the input is expanded at run time.
Every (i, j) job is an integer GEMM/conv computed exactly (exact_gemm.py); the epilogue scales
and sums the jobs in float64 in a fixed order (y += s_i * (sum over j ascending of t_j * acc_ij),
i ascending), which is the float reference the bit-exact engine is checked against. Activation
terms are centered (q - z): the same integers as "raw job minus zero-point correction".
`job_backend` is the engine hook: when set, forward is `job_backend.run(layer, x)` (the integer
jobs on an emulated accelerator, fpxint_sim/engine); None keeps the exact BLAS path below.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from fpxint_sim.expand.activation import activation_terms
from fpxint_sim.expand.config import ExpansionConfig
from fpxint_sim.expand.exact_gemm import int_conv2d, int_linear
from fpxint_sim.series.expand import expand_tensor
from fpxint_sim.series.int_ops import conv2d_out_hw
from fpxint_sim.series.series import Series


class _ExpandedBase(nn.Module):
    """Holds the weight series and the run-time statistics of one expanded layer."""

    def __init__(self, weight: torch.Tensor, bias, cfg: ExpansionConfig, name: str):
        super().__init__()
        self.cfg, self.layer_name = cfg, name
        w = weight.detach().to(torch.float64)
        self.weight_series = None if cfg.float_weights else expand_tensor(
            w.numpy(), bits=cfg.w_bits, terms=cfg.w_terms, axis=0,
            scale_policy=cfg.scale_policy, name=f"{name}.weight")
        self.float_weight = w if cfg.float_weights else None
        self.bias_f64 = None if bias is None else bias.detach().to(torch.float64)
        self.a_term_counts: list[int] = []  # activation terms used, one entry per forward
        self.jobs_per_forward: list[int] = []
        self.use_bias = True
        self._w_cache_key, self._w_cache = object(), None  # weight_terms() of this series
        self.job_backend = None  # engine hook: an object with run(layer, x) -> y

    def set_weight_series(self, series: Series):
        self.weight_series = series

    def weight_terms(self):
        """[(integer weight tensor, scale (O,), max|q|)] or [(float weight, ones, None)].

        Converted once per weight series (cached): the weights are fixed offline.
        """
        key = (self.weight_series, self.float_weight)
        if self._w_cache is not None and self._w_cache_key[0] is key[0] \
                and self._w_cache_key[1] is key[1]:
            return self._w_cache
        if self.weight_series is None:
            o = self.float_weight.shape[0]
            out = [(self.float_weight, torch.ones(o, dtype=torch.float64), None)]
        else:
            out = []
            for t in self.weight_series.terms:
                c = t.centered()
                scale = np.broadcast_to(t.scale, (c.shape[0],) + (1,) * (c.ndim - 1))
                dtype = np.float32 if np.abs(c).max() < 2**24 else np.float64
                out.append((torch.from_numpy(c.astype(dtype)),
                            torch.from_numpy(scale.reshape(-1).astype(np.float64)),
                            int(np.abs(c).max())))
        self._w_cache_key, self._w_cache = key, out
        return out

    def input_terms(self, rows2d: torch.Tensor):
        if self.cfg.float_activations:
            return [(rows2d.to(torch.float64), torch.ones(rows2d.shape[0], 1,
                                                           dtype=torch.float64), None)]
        return activation_terms(rows2d, self.cfg, f"{self.layer_name} input")

    def _record(self, n_a: int, jobs: int):
        self.a_term_counts.append(n_a)
        self.jobs_per_forward.append(jobs)


class ExpandedLinear(_ExpandedBase):
    def __init__(self, linear: nn.Linear, cfg: ExpansionConfig, name: str):
        super().__init__(linear.weight, linear.bias, cfg, name)
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.job_backend is not None:
            return self.job_backend.run(self, x)
        lead = x.shape[:-1]
        x2 = x.reshape(-1, self.in_features)
        if self.cfg.per_token or x.dim() == 2:
            rows, repeat = x2, 1
        else:  # one scale per sample: rows are samples, each spanning its tokens
            rows, repeat = x.reshape(x.shape[0], -1), int(np.prod(lead[1:]))
        a_terms = self.input_terms(rows)
        y = torch.zeros(x2.shape[0], self.out_features, dtype=torch.float64)
        jobs = 0
        for i, (wq, ws, wmax) in enumerate(self.weight_terms(), 1):
            kept = [t for j, t in enumerate(a_terms, 1) if self.cfg.keeps_pair(i, j)]
            if not kept:
                continue
            # All X_j of one W_i as one GEMM (rows stacked): same integers, one BLAS call.
            xq = torch.cat([q.reshape(-1, self.in_features) for q, _, _ in kept])
            if wmax is None or kept[0][2] is None:
                acc = xq.to(torch.float64) @ wq.to(torch.float64).T
            else:
                acc = int_linear(xq, wq, max(m for _, _, m in kept), wmax)
                jobs += len(kept)
            acc = acc.reshape(len(kept), x2.shape[0], self.out_features)
            # Epilogue, fixed order: y += s_i * sum_j (t_j * acc_ij), j ascending.
            inner = torch.zeros_like(y)
            for (_, xs, _), acc_j in zip(kept, acc):
                # (separate multiply and add, never a fused addcmul: the reference rounds twice)
                inner += xs.reshape(-1, 1).repeat_interleave(repeat, dim=0) * acc_j
            y += ws.reshape(1, -1) * inner
        if self.bias_f64 is not None and self.use_bias:
            y += self.bias_f64
        self._record(len(a_terms), jobs)
        return y.to(x.dtype).reshape(*lead, self.out_features)


class ExpandedConv2d(_ExpandedBase):
    def __init__(self, conv: nn.Conv2d, cfg: ExpansionConfig, name: str):
        super().__init__(conv.weight, conv.bias, cfg, name)
        self.stride, self.padding = conv.stride, conv.padding
        self.dilation, self.groups = conv.dilation, conv.groups
        self.out_channels = conv.out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.job_backend is not None:
            return self.job_backend.run(self, x)
        n = x.shape[0]
        a_terms = self.input_terms(x.reshape(n, -1))
        y = None
        jobs = 0
        for i, (wq, ws, wmax) in enumerate(self.weight_terms(), 1):
            kept = [t for j, t in enumerate(a_terms, 1) if self.cfg.keeps_pair(i, j)]
            if not kept:
                continue
            xq = torch.cat([q.reshape(x.shape) for q, _, _ in kept])  # X_j stacked on the batch
            if wmax is None or kept[0][2] is None:
                acc = torch.nn.functional.conv2d(
                    xq.to(torch.float64), wq.to(torch.float64), None, self.stride,
                    self.padding, self.dilation, self.groups)
            else:
                acc = int_conv2d(xq, wq, max(m for _, _, m in kept), wmax, self.stride,
                                 self.padding, self.dilation, self.groups)
                jobs += len(kept)
            acc = acc.reshape(len(kept), n, *acc.shape[1:])
            inner = torch.zeros_like(acc[0])
            for (_, xs, _), acc_j in zip(kept, acc):  # same epilogue order as ExpandedLinear
                inner += xs.reshape(n, 1, 1, 1) * acc_j
            term = ws.reshape(1, -1, 1, 1) * inner
            y = term if y is None else y + term
        if y is None:  # zero input and no jobs: the output is the bias alone
            kh, kw = self.weight_shape()[2:]
            h, w = (conv2d_out_hw(x.shape[2], x.shape[3], kh, kw, self.stride, self.padding,
                                  self.dilation))
            y = torch.zeros(n, self.out_channels, h, w, dtype=torch.float64)
        if self.bias_f64 is not None and self.use_bias:
            y = y + self.bias_f64.reshape(1, -1, 1, 1)
        self._record(len(a_terms), jobs)
        return y.to(x.dtype)

    def weight_shape(self):
        if self.weight_series is None:
            return tuple(self.float_weight.shape)
        return tuple(self.weight_series.shape)

