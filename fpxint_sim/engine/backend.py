"""The engine's job backend: an expanded layer's forward pass on an emulated accelerator.

Installed as `layer.job_backend` (fpxint_sim/expand/expanded_layers.py). Per forward it expands
the input exactly as the layer does (the same row rule, expand/layer_rows.py), runs every kept
(i, j) job on the PE arithmetic (raw operands, kernels, zero-point correction: jobs.py) and
applies the layer's own epilogue function (expand/epilogue.py), so that when no accumulator
overflows the output equals the PyTorch expanded network bit for bit. Each call hands the
layer the same record the PyTorch path makes, with this call's overflow events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from fpxint_sim.engine.act_matmul_job import run_act_matmul_jobs
from fpxint_sim.engine.arithmetic import accumulator_spec
from fpxint_sim.engine.counters import LayerCounters
from fpxint_sim.engine.jobs import JobAccumulators, conv_job, linear_job, prepare_weight
from fpxint_sim.engine.operands import raw_activation, term_type
from fpxint_sim.expand.activation import expand_rows
from fpxint_sim.expand.call_record import term_records
from fpxint_sim.expand.epilogue import scale_and_sum
from fpxint_sim.expand.expanded_act_matmul import act_matmul_rows, operand_names
from fpxint_sim.expand.layer_rows import input_rows
from fpxint_sim.hw.operands import OperandChoice, TermType, activation_operand, weight_operand
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.ir.lower import weight_terms


@dataclass(frozen=True)
class JobRecord:
    """One executed job, handed to the backend's observer (verify checks it, then drops it)."""

    layer: str
    kind: str
    i: int
    j: int
    x_raw: np.ndarray  # GEMM (R, K) or conv NCHW, as the PEs take it
    x_zero: np.ndarray  # int64 zero point per GEMM row / per image
    w_q: np.ndarray  # weight term (O, K) or OIHW
    conv: dict | None  # stride, padding, dilation, groups
    result: JobAccumulators
    acc_bits: int
    overflow_mode: str
    pair_saturate_int16: bool = False  # fbgemm pair model, and the saturate fold size below
    k_tile: int | None = None
    w_zero: np.ndarray | None = None  # act x act jobs: zero point per column of the held term
    weight_operand: OperandChoice | None = None  # the PE operand types the job ran in
    activation_operand: OperandChoice | None = None

    @property
    def has_zero_points(self) -> bool:
        return bool(np.any(self.x_zero)) or (self.w_zero is not None and bool(np.any(
            self.w_zero)))


class EngineBackend:
    """Runs expanded layers on `hw`; counters per layer; `observer(JobRecord)` sees every job."""

    def __init__(self, hw: Accelerator, observer=None):
        self.hw, self.observer = hw, observer
        self.counters: dict[str, LayerCounters] = {}
        self._weights: dict[str, tuple] = {}

    def weights(self, layer) -> tuple[list, list]:
        """([(PreparedWeight, scale (O,), OperandChoice)], [TermType]) per weight term, cached
        per series."""
        cached = self._weights.get(layer.layer_name)
        if cached is not None and cached[0] is layer.weight_series:
            return cached[1], cached[2]
        groups = getattr(layer, "groups", 1)
        terms = weight_terms(layer)
        out = [(prepare_weight(t.q, groups), t.scale,
                weight_operand(self.hw, layer.layer_name, t.bits, t.signed)) for t in terms]
        types = [TermType(t.bits, t.signed) for t in terms]  # weight_terms refuses zero points
        self._weights[layer.layer_name] = (layer.weight_series, out, types)
        return out, types

    def run(self, layer, x: torch.Tensor) -> torch.Tensor:
        name = layer.layer_name
        conv = layer.kind == "conv"
        rows = input_rows(layer, x)
        terms = expand_rows(rows.rows, layer.cfg, f"{name} input")
        a_ops = [activation_operand(self.hw, name, t.bits, t.signed) for t in terms]
        counters = self.counters.setdefault(name, LayerCounters(name, "conv" if conv else "gemm"))
        counters.activation_terms.append(len(terms))
        counters.record_terms(self.weights(layer)[1], [term_type(t) for t in terms])
        acts = []
        for t, choice in zip(terms, a_ops):
            r = t.q.shape[0]
            q, z = raw_activation(t.q, np.broadcast_to(t.zero_point, (r, 1)).reshape(r), choice)
            acts.append((q, np.repeat(z, rows.repeat),
                         np.repeat(np.broadcast_to(t.scale, (r, 1)).reshape(r), rows.repeat),
                         choice))
        before = counters.overflow + counters.pair_saturated
        run_layer = self._conv if conv else self._linear
        y, pairs = run_layer(layer, x, acts, counters)
        layer.finish_call(x.shape, y.shape, term_records(terms), pairs, len(terms), len(pairs),
                          counters.overflow + counters.pair_saturated - before)
        return y

    def run_act_matmul(self, layer, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """An ExpandedActMatmul forward: both operands expanded as the layer does, n_a x n_b
        jobs on the PEs (engine/act_matmul_job.py), the layer's epilogue function."""
        name = layer.layer_name
        batch, (m, k), n = a.shape[:-2], a.shape[-2:], b.shape[-1]
        nb = int(np.prod(batch))
        rows_a, rows_b = act_matmul_rows(a, b)
        name_a, name_b = operand_names(name)
        a_terms = expand_rows(rows_a, layer.cfg, name_a)
        b_terms = expand_rows(rows_b, layer.cfg, name_b)
        counters = self.counters.setdefault(name, LayerCounters(name, "act_matmul"))
        counters.activation_terms.append(len(a_terms))
        before = counters.overflow + counters.pair_saturated
        y, pairs = run_act_matmul_jobs(self, layer, a_terms, b_terms, (nb, m, k, n), counters)
        layer.finish_call(a.shape, (*batch, m, n), term_records(a_terms), term_records(b_terms),
                          pairs, counters.overflow + counters.pair_saturated - before)
        return torch.from_numpy(y).to(a.dtype).reshape(*batch, m, n)

    def record_job(self, layer, counters, i, j, b_op, a_op, res, spec, k, a_raw, a_zero,
                   b_raw_t, b_zero) -> None:
        """Count an act x act job and hand it to the observer (operands batched: (B, rows, K))."""
        jc = self._count(counters, i, j, b_op, a_op, res, k)
        jc.corrected(res.acc.size, bool(np.any(b_zero)), bool(np.any(a_zero)))
        if self.observer is not None:
            self.observer(JobRecord(layer.layer_name, counters.kind, i, j, a_raw, a_zero,
                                    b_raw_t, None, res, spec.acc_bits, spec.overflow,
                                    pair_saturate_int16=spec.pair_saturate_int16,
                                    k_tile=spec.k_tile, w_zero=b_zero,
                                    weight_operand=b_op, activation_operand=a_op))

    def _count(self, counters, i, j, w_op, a_op, res, k):
        """The job's counters with this execution added (MACs, outputs, overflow events)."""
        precision = self.hw.arithmetic.pair_precision(w_op.operand_type, a_op.operand_type)
        jc = counters.job(i, j, w_op, a_op, precision)
        jc.macs += res.acc.size * k
        jc.outputs += res.acc.size
        jc.overflow += res.events.overflow
        jc.pair_saturated += res.events.pair_saturated
        return jc

    def _job(self, layer, counters, i, j, w, w_op, act, x_raw, conv_args) -> np.ndarray:
        _, z, _, a_op = act
        spec = accumulator_spec(self.hw, w_op.operand_type, a_op.operand_type)
        if conv_args is None:
            res = linear_job(x_raw, z, w, spec)
            k = x_raw.shape[1]
        else:
            res = conv_job(x_raw, z, w, spec=spec, **conv_args)
            k = int(np.prod(w.q.shape[1:]))
        jc = self._count(counters, i, j, w_op, a_op, res, k)
        jc.corrected(res.acc.size, False, bool(np.any(z)))  # weights are symmetric
        if self.observer is not None:
            self.observer(JobRecord(layer.layer_name, counters.kind, i, j, x_raw, z, w.q,
                                    conv_args, res, spec.acc_bits, spec.overflow,
                                    spec.pair_saturate_int16, spec.k_tile,
                                    weight_operand=w_op, activation_operand=a_op))
        return res.acc.astype(np.float64)

    def _linear(self, layer, x, acts, counters):
        lead, k_in = x.shape[:-1], layer.in_features
        weights = self.weights(layer)[0]
        pairs = layer.cfg.kept_pairs(len(weights), len(acts))

        def jobs(i, js):
            w, _, w_op = weights[i - 1]
            return (self._job(layer, counters, i, j, w, w_op, acts[j - 1],
                              acts[j - 1][0].reshape(-1, k_in), None) for j in js)

        y = scale_and_sum(pairs, jobs, [ws.reshape(1, -1) for _, ws, _ in weights],
                          [act[2].reshape(-1, 1) for act in acts],
                          (int(np.prod(lead)), layer.out_features), layer.bias_term(2))
        return torch.from_numpy(y).to(x.dtype).reshape(*lead, layer.out_features), pairs

    def _conv(self, layer, x, acts, counters):
        n = x.shape[0]
        conv_args = {"stride": tuple(layer.stride), "padding": tuple(layer.padding),
                     "dilation": tuple(layer.dilation), "groups": layer.groups}
        weights = self.weights(layer)[0]
        pairs = layer.cfg.kept_pairs(len(weights), len(acts))

        def jobs(i, js):
            w, _, w_op = weights[i - 1]
            return (self._job(layer, counters, i, j, w, w_op, acts[j - 1],
                              acts[j - 1][0].reshape(x.shape), conv_args) for j in js)

        y = scale_and_sum(pairs, jobs, [ws.reshape(1, -1, 1, 1) for _, ws, _ in weights],
                          [act[2].reshape(n, 1, 1, 1) for act in acts],
                          layer.output_shape(x.shape), layer.bias_term(4))
        return torch.from_numpy(y).to(x.dtype), pairs
