"""Evaluate a list of layers (e.g. a SCALE-Sim topology) as one integer job each."""

from __future__ import annotations

from collections.abc import Sequence

from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.sim.job import JobResult, simulate_job
from fpxint_sim.sim.layer_shape import Layer


def simulate_layers(hw: Accelerator, layers: Sequence[Layer], weight_bits: int = 8,
                    activation_bits: int = 8, output_bits: int | None = None,
                    ) -> list[tuple[Layer, JobResult]]:
    """One JobResult per layer, as SCALE-Sim runs a topology (no series expansion)."""
    return [(layer, simulate_job(hw, layer.gemm, weight_bits, activation_bits,
                                 output_bits=output_bits)) for layer in layers]
