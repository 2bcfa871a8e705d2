"""The record of one call of an expanded layer: what it ran (numpy only, no tensors).

Every expanded layer, on the PyTorch path and on the engine, makes this record from the terms it
actually expanded (`call_record`), so lowering (`lower`), the cost workload (`run`, `sweep`) and
the accuracy counts all read the same facts: shapes, the GEMM of one job, the terms with their
types, zero points and scales per row, the kept (i, j) pairs, and on the engine the accumulator
overflow events of this call. Shapes use the GEMM view (M x K) @ (K x N): Linear M = rows
(tokens), K = in_features, N = out_features; Conv2d is the im2col view, M = images x output
pixels, K = (Cin / groups) x KH x KW, N = Cout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fpxint_sim.hw.operands import TermType


@dataclass(frozen=True)
class ActivationTermIR:
    """A run-time term of one call: per-row zero points and scales (rows = expansion rows)."""

    index: int
    bits: int
    signed: bool
    zero_point: np.ndarray  # int64 (R,)
    scale: np.ndarray  # float64 (R,)
    max_abs_centered: int

    @property
    def operand(self) -> str:
        return f"{'' if self.signed else 'u'}int{self.bits}"

    @property
    def term_type(self) -> TermType:
        return TermType(self.bits, self.signed, bool(np.any(self.zero_point)))


@dataclass(frozen=True)
class GemmView:
    """One job's GEMM: (m x k) @ (k x n); n counts all output channels, and a grouped conv is
    `groups` independent blocks of n / groups columns each (so macs = m k n in total). An
    activation x activation product is `batch` independent GEMMs of (m / batch) rows, each
    with its own held operand (k x n)."""

    m: int
    k: int
    n: int
    groups: int = 1
    batch: int = 1

    @property
    def macs(self) -> int:
        return self.m * self.k * self.n


@dataclass(frozen=True)
class ForwardIR:
    """What one call of a layer ran: its input, terms, kept jobs, and (engine) overflow events."""

    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    gemm: GemmView
    activation_terms: tuple[ActivationTermIR, ...]
    jobs: tuple[tuple[int, int], ...]  # (i, j), 1-based, in execution order
    held_terms: tuple[ActivationTermIR, ...] = ()  # act_matmul: terms i of b, per column
    layer: str = ""
    kind: str = "gemm"  # "gemm" (Linear), "conv" (Conv2d) or "act_matmul"
    w_term_types: tuple[TermType, ...] = ()  # weight terms (act_matmul: the held terms)
    overflow_events: int | None = None  # the engine's wraps/clamps in this call; None off it

    @property
    def macs(self) -> int:
        return self.gemm.macs * len(self.jobs)

    @property
    def a_term_types(self) -> tuple[TermType, ...]:
        return tuple(t.term_type for t in self.activation_terms)


def term_records(terms, max_abs: list[int] | None = None) -> tuple[ActivationTermIR, ...]:
    """Records of run-time terms (series Terms of (R, M) rows); max_abs: max|q - z| per term
    when the caller has it already."""
    out = []
    for j, t in enumerate(terms, 1):
        r = t.q.shape[0]
        m = max_abs[j - 1] if max_abs is not None else (
            int(np.abs(t.centered()).max()) if t.q.size else 0)
        out.append(ActivationTermIR(
            j, int(t.bits), bool(t.signed),
            np.broadcast_to(t.zero_point, (r, 1)).reshape(r).astype(np.int64),
            np.broadcast_to(t.scale, (r, 1)).reshape(r).astype(np.float64), m))
    return tuple(out)


def gemm_view(layer, input_shape, output_shape) -> GemmView:
    """The GEMM of one job: Linear rows x K x N, the im2col view of a Conv2d, or the batched
    GEMMs of an activation product (input_shape: a's shape (..., M, K))."""
    if layer.kind == "act_matmul":
        batch = int(np.prod(input_shape[:-2]))
        return GemmView(batch * input_shape[-2], input_shape[-1], output_shape[-1], 1, batch)
    if layer.kind == "conv":
        _, cg, kh, kw = layer.weight_shape()
        n, o, oh, ow = output_shape
        return GemmView(n * oh * ow, cg * kh * kw, o, layer.groups)
    m = int(np.prod(input_shape[:-1]))
    return GemmView(m, layer.in_features, layer.out_features)


def call_record(layer, input_shape, output_shape, a_terms, pairs, w_term_types,
                held_terms=(), overflow_events: int | None = None) -> ForwardIR:
    """The record of one call of `layer` (a_terms / held_terms: ActivationTermIR tuples)."""
    input_shape, output_shape = tuple(input_shape), tuple(output_shape)
    return ForwardIR(input_shape, output_shape, gemm_view(layer, input_shape, output_shape),
                     tuple(a_terms), tuple(pairs), tuple(held_terms), layer.layer_name,
                     layer.kind, tuple(w_term_types), overflow_events)
