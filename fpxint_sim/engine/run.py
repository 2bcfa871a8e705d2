"""Run an expanded model on an accelerator description: outputs, per-layer and per-job counters."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from fpxint_sim.engine.backend import EngineBackend
from fpxint_sim.engine.counters import LayerCounters
from fpxint_sim.expand.forward_record import record_forward
from fpxint_sim.hw.operands import weight_operand
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.ir.lower import check_integer_config, weight_terms


@dataclass
class EngineRun:
    """The output of `forward` on the accelerator and what every layer counted."""

    output: object
    layers: dict[str, LayerCounters]
    hw: Accelerator
    seconds: float
    calls: list = field(default_factory=list)  # the record of every layer call, in order

    @property
    def macs(self) -> int:
        return sum(c.macs for c in self.layers.values())

    @property
    def overflow(self) -> int:
        return sum(c.overflow for c in self.layers.values())

    @property
    def pair_saturated(self) -> int:
        return sum(c.pair_saturated for c in self.layers.values())

    def to_dict(self) -> dict:
        return {"hw": self.hw.name, "hw_path": self.hw.source_path, "macs": self.macs,
                "overflow": self.overflow, "pair_saturated": self.pair_saturated,
                "seconds": self.seconds, "layers": [c.to_dict() for c in self.layers.values()]}


def check_weight_operands(em, hw: Accelerator) -> None:
    """Fail before running if a layer's weight terms fit no weight type of `hw`."""
    for name, layer in em.layers.items():
        if layer.weight_series is None:
            continue  # activation x activation: operand types are chosen per run-time term
        for t in weight_terms(layer):
            weight_operand(hw, name, t.bits, t.signed)


@contextmanager
def engine_attached(em, backend: EngineBackend):
    """Every expanded layer of `em` runs on `backend` inside the block (the integer engine, or
    the W4A16 one), on its PyTorch path after it."""
    for layer in em.layers.values():
        layer.job_backend = backend
    try:
        yield backend
    finally:
        for layer in em.layers.values():
            layer.job_backend = None


def run_on_accelerator(em, hw: Accelerator, forward, observer=None, on_call=None) -> EngineRun:
    """`forward(em.module)` with every integer job bit-exact on `hw`; observer sees each job,
    on_call each layer call's record (expand/forward_record.py)."""
    check_integer_config(em)
    check_weight_operands(em, hw)
    backend = EngineBackend(hw, observer)
    start = time.perf_counter()
    with engine_attached(em, backend):
        out, calls = record_forward(em, forward, on_call)
    return EngineRun(out, backend.counters, hw, time.perf_counter() - start, calls)
