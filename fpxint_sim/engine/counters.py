"""What the engine counts per job and per layer: MACs, overflow events, activation terms."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class JobCounters:
    """One (i, j) job of a layer, summed over forwards."""

    i: int
    j: int
    weight_operand: str
    activation_operand: str
    macs: int = 0
    outputs: int = 0
    overflow: int = 0  # outputs whose accumulator wrapped or clamped
    pair_saturated: int = 0  # outputs where an fbgemm int16 pair sum clamped

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class LayerCounters:
    """One layer over all forwards of a run; `activation_terms` has one entry per forward."""

    name: str
    kind: str
    activation_terms: list[int] = field(default_factory=list)
    jobs: dict[tuple[int, int], JobCounters] = field(default_factory=dict)

    @property
    def macs(self) -> int:
        return sum(j.macs for j in self.jobs.values())

    @property
    def overflow(self) -> int:
        return sum(j.overflow for j in self.jobs.values())

    @property
    def pair_saturated(self) -> int:
        return sum(j.pair_saturated for j in self.jobs.values())

    @property
    def outputs(self) -> int:
        return sum(j.outputs for j in self.jobs.values())

    def job(self, i: int, j: int, w_op: str, a_op: str) -> JobCounters:
        key = (i, j)
        if key not in self.jobs:
            self.jobs[key] = JobCounters(i, j, w_op, a_op)
        return self.jobs[key]

    def to_dict(self) -> dict:
        return {"layer": self.name, "kind": self.kind, "macs": self.macs,
                "outputs": self.outputs, "overflow": self.overflow,
                "pair_saturated": self.pair_saturated,
                "activation_terms": list(self.activation_terms),
                "jobs": [j.to_dict() for j in self.jobs.values()]}
