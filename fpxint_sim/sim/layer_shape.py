"""Layer shapes as the performance model sees them: one GEMM (M x K) @ (K x N) per integer job.

A convolution is lowered to a GEMM exactly as SCALE-Sim does (im2col): M = ofmap pixels,
K = filter_h * filter_w * channels, N = num_filters, with
ofmap_h = ceil((ifmap_h - filter_h + stride) / stride) (no padding; SCALE-Sim's topology rows
give the already-padded ifmap size).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class GemmShape:
    """An integer GEMM job: ifmap (M x K) times filter (K x N) gives M x N accumulators.

    `ifmap_unique_elems` is how many distinct ifmap elements the M x K im2col matrix reads (at
    most ifmap_h * ifmap_w * channels for a convolution; M * K for a plain GEMM): DRAM moves
    these, the SRAM serves the M x K im2col reads.
    """

    m: int
    k: int
    n: int
    ifmap_unique_elems: int = 0
    # the convolution this GEMM lowers, if any: SCALE-Sim's memory model needs its addresses
    conv: ConvShape | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        for dim in ("m", "k", "n"):
            if getattr(self, dim) < 1:
                raise ValueError(f"GEMM dimension {dim} must be >= 1, got {getattr(self, dim)}")
        if self.ifmap_unique_elems <= 0:
            object.__setattr__(self, "ifmap_unique_elems", self.m * self.k)

    @property
    def macs(self) -> int:
        """Multiply-accumulates of the job."""
        return self.m * self.k * self.n

    def stacked(self, ifmap_copies: int = 1, filter_copies: int = 1) -> GemmShape:
        """The fused GEMM [X_1; ...; X_a] @ [W_1 | ... | W_w]: several jobs in one array pass."""
        conv = None  # stacked ifmaps are no convolution; more filters still are
        if self.conv is not None and ifmap_copies == 1:
            conv = dataclasses.replace(self.conv,
                                       num_filters=self.conv.num_filters * filter_copies)
        return GemmShape(self.m * ifmap_copies, self.k, self.n * filter_copies,
                         self.ifmap_unique_elems * ifmap_copies, conv)


@dataclass(frozen=True)
class ConvShape:
    """A convolution layer in SCALE-Sim's topology terms (ifmap already padded)."""

    ifmap_h: int
    ifmap_w: int
    filter_h: int
    filter_w: int
    channels: int
    num_filters: int
    stride_h: int = 1
    stride_w: int = 1

    @property
    def ofmap_h(self) -> int:
        """Output rows, SCALE-Sim's formula."""
        return math.ceil((self.ifmap_h - self.filter_h + self.stride_h) / self.stride_h)

    @property
    def ofmap_w(self) -> int:
        """Output columns, SCALE-Sim's formula."""
        return math.ceil((self.ifmap_w - self.filter_w + self.stride_w) / self.stride_w)

    def as_gemm(self) -> GemmShape:
        """The im2col GEMM of this convolution."""
        m = self.ofmap_h * self.ofmap_w
        k = self.filter_h * self.filter_w * self.channels
        unique = min(self.ifmap_h * self.ifmap_w * self.channels, m * k)
        return GemmShape(m=m, k=k, n=self.num_filters, ifmap_unique_elems=unique, conv=self)


@dataclass(frozen=True)
class Layer:
    """A named layer: its GEMM, and the convolution it came from if any."""

    name: str
    gemm: GemmShape
    conv: ConvShape | None = None
