"""Expanded Linear and Conv2d: y = sum_i s_i sum_j t_j (W_i * X_j) + bias.

Weights carry n_w terms fixed offline (per output channel); the input is expanded at run time
(rows cut by expand/layer_rows.py). Every kept (i, j) job (fpxint_sim/term_pairs.py) is an
integer GEMM/conv computed exactly (exact_gemm.py); the epilogue (expand/epilogue.py, the same
function the engine calls) scales and sums the jobs in float64 in a fixed order. Activation
terms are centered (q - z): the same integers as "raw job minus zero-point correction".
`job_backend` is the engine hook: when set, forward is `job_backend.run(layer, x)` (the integer
jobs on an emulated accelerator, fpxint_sim/engine); None keeps the exact BLAS path below.
Every call hands its record (expand/call_record.py) to `recorder` when one is attached.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from fpxint_sim.expand.activation import expanded_input
from fpxint_sim.expand.call_record import call_record
from fpxint_sim.expand.config import ExpansionConfig
from fpxint_sim.expand.epilogue import scale_and_sum
from fpxint_sim.expand.exact_gemm import int_conv2d, int_linear
from fpxint_sim.expand.layer_rows import input_rows
from fpxint_sim.hw.operands import TermType
from fpxint_sim.series.expand import expand_tensor
from fpxint_sim.series.int_ops import conv2d_out_hw
from fpxint_sim.series.series import Series


def expand_weight(weight: torch.Tensor, cfg: ExpansionConfig, name: str) -> Series:
    """The weight series of layer `name`: per output channel (axis 0), as `cfg` says. The
    weights go in as they are; expand_tensor makes its one float64 copy (exact)."""
    return expand_tensor(weight.detach().numpy(), bits=cfg.w_bits, terms=cfg.w_terms, axis=0,
                         scale_policy=cfg.scale_policy, name=f"{name}.weight")


class _ExpandedBase(nn.Module):
    """Holds the weight series and the run-time statistics of one expanded layer."""

    kind = "gemm"

    def __init__(self, weight: torch.Tensor, bias, cfg: ExpansionConfig, name: str,
                 weight_series: Series | None = None):
        super().__init__()
        self.cfg, self.layer_name = cfg, name
        w = weight.detach()
        if weight_series is None and not cfg.float_weights:
            weight_series = expand_weight(w, cfg, name)
        # (a series given was expanded from these very weights, by another capture)
        self.weight_series = weight_series
        self.float_weight = w.to(torch.float64) if cfg.float_weights else None
        self.bias_f64 = None if bias is None else bias.detach().to(torch.float64)
        self.a_term_counts: list[int] = []  # activation terms used, one entry per forward
        self.jobs_per_forward: list[int] = []
        self.use_bias = True
        self._w_cache_key, self._w_cache = object(), None  # weight_terms() of this series
        self.job_backend = None  # engine hook: an object with run(layer, x) -> y
        self.recorder = None  # called with each call's record (expand/forward_record.py)

    def set_weight_series(self, series: Series):
        self.weight_series = series

    def weight_terms(self):
        """[(integer weight tensor, scale (O,) float64, max|q|)] or [(float weight, ones,
        None)]. Converted once per weight series (cached): the weights are fixed offline."""
        key = (self.weight_series, self.float_weight)
        if self._w_cache is not None and self._w_cache_key[0] is key[0] \
                and self._w_cache_key[1] is key[1]:
            return self._w_cache
        if self.weight_series is None:
            o = self.float_weight.shape[0]
            out = [(self.float_weight, np.ones(o), None)]
        else:
            out = []
            for t in self.weight_series.terms:
                c = t.centered()
                scale = np.broadcast_to(t.scale, (c.shape[0],) + (1,) * (c.ndim - 1))
                dtype = np.float32 if np.abs(c).max() < 2**24 else np.float64
                out.append((torch.from_numpy(c.astype(dtype)),
                            scale.reshape(-1).astype(np.float64), int(np.abs(c).max())))
        self._w_cache_key, self._w_cache = key, out
        return out

    def weight_term_types(self) -> tuple[TermType, ...]:
        """The weight terms as expanded (none with float weights)."""
        if self.weight_series is None:
            return ()
        return tuple(TermType(int(t.bits), bool(t.signed), bool(np.any(t.zero_point)))
                     for t in self.weight_series.terms)

    def bias_term(self, ndim: int) -> np.ndarray | None:
        """The bias shaped to broadcast over an output of `ndim` dims (channels on dim 1 or
        last), or None when the layer adds none."""
        if self.bias_f64 is None or not self.use_bias:
            return None
        b = self.bias_f64.numpy()
        return b.reshape(1, -1, *(1,) * (ndim - 2)) if self.kind == "conv" else b

    def finish_call(self, x_shape, y_shape, a_records, pairs, n_a: int, jobs: int,
                    overflow_events: int | None = None) -> None:
        """Count the call, and hand its record to the recorder (integer terms only)."""
        self.a_term_counts.append(n_a)
        self.jobs_per_forward.append(jobs)
        if self.recorder is not None and a_records is not None and self.weight_series is not None:
            self.recorder(call_record(self, x_shape, y_shape, a_records, pairs,
                                      self.weight_term_types(), (), overflow_events))

    def _run(self, x, rows, out_shape, gemm, a_scale_shape, w_scale_shape):
        """The BLAS path of one call: expand, run the kept jobs (gemm(i, js) -> float64 numpy
        (len(js), *out_shape)), the shared epilogue, the record."""
        a_vals, a_records = expanded_input(rows.rows, self.cfg, f"{self.layer_name} input")
        w_vals = self.weight_terms()
        pairs = self.cfg.kept_pairs(len(w_vals), len(a_vals))
        integer = a_records is not None and w_vals[0][2] is not None
        y = scale_and_sum(
            pairs, lambda i, js: gemm(w_vals[i - 1], [a_vals[j - 1] for j in js], integer),
            [ws.reshape(w_scale_shape) for _, ws, _ in w_vals],
            [np.repeat(s, rows.repeat).reshape(a_scale_shape) for _, s, _ in a_vals],
            out_shape, self.bias_term(len(out_shape)))
        self.finish_call(x.shape, out_shape, a_records, pairs, len(a_vals),
                         len(pairs) if integer else 0)
        return y


class ExpandedLinear(_ExpandedBase):
    kind = "gemm"

    def __init__(self, linear: nn.Linear, cfg: ExpansionConfig, name: str, weight_series=None):
        super().__init__(linear.weight, linear.bias, cfg, name, weight_series)
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.job_backend is not None:
            return self.job_backend.run(self, x)
        lead = x.shape[:-1]
        t = int(np.prod(lead))

        def gemm(w_term, a_terms, integer):
            wq, _, wmax = w_term
            # All X_j of one W_i as one GEMM (rows stacked): same integers, one BLAS call.
            xq = torch.cat([q.reshape(-1, self.in_features) for q, _, _ in a_terms])
            if integer:
                acc = int_linear(xq, wq, max(m for _, _, m in a_terms), wmax)
            else:
                acc = xq.to(torch.float64) @ wq.to(torch.float64).T
            return acc.reshape(len(a_terms), t, self.out_features).numpy()

        y = self._run(x, input_rows(self, x), (t, self.out_features), gemm, (-1, 1), (1, -1))
        return torch.from_numpy(y).to(x.dtype).reshape(*lead, self.out_features)


class ExpandedConv2d(_ExpandedBase):
    kind = "conv"

    def __init__(self, conv: nn.Conv2d, cfg: ExpansionConfig, name: str, weight_series=None):
        super().__init__(conv.weight, conv.bias, cfg, name, weight_series)
        self.stride, self.padding = conv.stride, conv.padding
        self.dilation, self.groups = conv.dilation, conv.groups
        self.out_channels = conv.out_channels

    def output_shape(self, x_shape) -> tuple[int, int, int, int]:
        kh, kw = self.weight_shape()[2:]
        h, w = conv2d_out_hw(x_shape[2], x_shape[3], kh, kw, self.stride, self.padding,
                             self.dilation)
        return (int(x_shape[0]), self.out_channels, h, w)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.job_backend is not None:
            return self.job_backend.run(self, x)
        out_shape = self.output_shape(x.shape)

        def gemm(w_term, a_terms, integer):
            wq, _, wmax = w_term
            xq = torch.cat([q.reshape(x.shape) for q, _, _ in a_terms])  # X_j stacked on N
            if integer:
                acc = int_conv2d(xq, wq, max(m for _, _, m in a_terms), wmax, self.stride,
                                 self.padding, self.dilation, self.groups)
            else:
                acc = torch.nn.functional.conv2d(
                    xq.to(torch.float64), wq.to(torch.float64), None, self.stride,
                    self.padding, self.dilation, self.groups)
            return acc.reshape(len(a_terms), *out_shape).numpy()

        y = self._run(x, input_rows(self, x), out_shape, gemm, (-1, 1, 1, 1), (1, -1, 1, 1))
        return torch.from_numpy(y).to(x.dtype)

    def weight_shape(self):
        if self.weight_series is None:
            return tuple(self.float_weight.shape)
        return tuple(self.weight_series.shape)
