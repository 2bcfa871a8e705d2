"""The integer basis network (IR): per layer, its integer jobs and their epilogue.

Plain frozen dataclasses holding numpy arrays only: once lowered, nothing refers to torch.
A layer's forwards are the records its calls made (ForwardIR, fpxint_sim/expand/call_record.py,
with the GEMM view of one job). The math of the epilogue: docs/engine.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fpxint_sim.expand.call_record import ActivationTermIR, ForwardIR, GemmView

__all__ = ["ActivationTermIR", "ConvParams", "ForwardIR", "GemmView", "LayerIR", "NetworkIR",
           "WeightTermIR"]


@dataclass(frozen=True)
class WeightTermIR:
    """Weight term i (1-based): integer q (int8, layer weight shape), per-channel scale (O,)."""

    index: int
    q: np.ndarray
    scale: np.ndarray
    bits: int
    signed: bool

    @property
    def operand(self) -> str:
        return f"{'' if self.signed else 'u'}int{self.bits}"


@dataclass(frozen=True)
class ConvParams:
    """Conv2d geometry: kernel (KH, KW), stride, padding, dilation (pairs), groups."""

    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int


@dataclass(frozen=True)
class LayerIR:
    """One expanded layer: integer weight terms, epilogue steps, and the forwards it ran."""

    name: str
    kind: str  # "gemm" (Linear), "conv" (Conv2d) or "act_matmul" (activation x activation)
    in_features: int  # K of a Linear, Cin of a Conv2d
    out_features: int  # N: output channels
    weight_terms: tuple[WeightTermIR, ...]
    bias: np.ndarray | None
    conv: ConvParams | None
    nonlinearity_after: str | None
    next_layer: str | None
    forwards: list[ForwardIR] = field(default_factory=list)

    def epilogue(self, forward: ForwardIR) -> list[dict]:
        """The epilogue steps of one forward, in execution order (docs/engine.md)."""
        steps = []
        if self.kind == "act_matmul":
            steps.append({"op": "zero_point_correction", "formula":
                          "acc_ij = raw - za_j[m] colsum(B_i)[n] - zb_i[n] rowsum(A_j)[m] "
                          "+ K za_j[m] zb_i[n] (terms without a zero point: 0)"})
        for t in () if self.kind == "act_matmul" else forward.activation_terms:
            if not t.signed:
                window = "kernel window (padding holds z)" if self.kind == "conv" else "k"
                steps.append({"op": "zero_point_correction", "term": t.index,
                              "formula": f"acc_i{t.index} -= z_{t.index}[row] * "
                                         f"sum over {window} of W_i[o]"})
        steps.append({"op": "scale_accumulate",
                      "formula": "inner_i = sum_j ascending (t_j[row] * acc_ij); "
                                 "y += s_i[o] * inner_i, i ascending (float64)"})
        if self.bias is not None:
            steps.append({"op": "bias", "formula": "y += b[o]"})
        if self.nonlinearity_after:
            steps.append({"op": "nonlinearity", "name": self.nonlinearity_after})
        if self.next_layer:
            steps.append({"op": "re_expand", "next_layer": self.next_layer})
        return steps


@dataclass
class NetworkIR:
    """The lowered network: layers in execution order, plus what stayed float."""

    model: str
    config: str
    layers: list[LayerIR]
    float_layers: list[tuple[str, str]] = field(default_factory=list)

    def layer(self, name: str) -> LayerIR:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)
