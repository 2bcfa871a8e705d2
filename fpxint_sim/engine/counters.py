"""What the engine counts per job and per layer: MACs, overflow events, activation terms, and
the operand types and zero-point corrections it executed (the cost model must charge the same)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from fpxint_sim.hw.operands import OperandChoice, TermType
from fpxint_sim.sim.epilogue_ops import zero_point_correction_ops


@dataclass
class JobCounters:
    """One (i, j) job of a layer, summed over forwards."""

    i: int
    j: int
    weight_operand: str
    activation_operand: str
    weight_offset: int = 0  # added to the stored integers of the held operand (act x act)
    activation_offset: int = 0
    precision: str = ""  # key of macs_per_pe_per_cycle / mac_energy_pj the pair ran at
    macs: int = 0
    outputs: int = 0
    overflow: int = 0  # outputs whose accumulator wrapped or clamped
    pair_saturated: int = 0  # outputs where an fbgemm int16 pair sum clamped
    weight_zero_point: bool = False  # a weight-side zero-point correction was applied
    activation_zero_point: bool = False  # an activation-side correction was applied
    zero_point_correction_ops: int = 0  # outputs x corrected sides, summed over forwards

    def corrected(self, outputs: int, weight_side: bool, activation_side: bool) -> None:
        """Count the corrections one execution of the job applied to its `outputs`."""
        self.weight_zero_point |= weight_side
        self.activation_zero_point |= activation_side
        self.zero_point_correction_ops += zero_point_correction_ops(outputs, weight_side,
                                                                    activation_side)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class LayerCounters:
    """One layer over all forwards of a run; `activation_terms` has one entry per forward."""

    name: str
    kind: str
    activation_terms: list[int] = field(default_factory=list)
    jobs: dict[tuple[int, int], JobCounters] = field(default_factory=dict)
    # the terms of the last forward, weight side (held operand of act x act) and activation side
    w_term_types: tuple[TermType, ...] = ()
    a_term_types: tuple[TermType, ...] = ()

    def record_terms(self, w_types, a_types) -> None:
        self.w_term_types, self.a_term_types = tuple(w_types), tuple(a_types)

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

    def job(self, i: int, j: int, w_op: OperandChoice, a_op: OperandChoice,
            precision: str) -> JobCounters:
        key = (i, j)
        if key not in self.jobs:
            self.jobs[key] = JobCounters(i, j, w_op.operand_type, a_op.operand_type,
                                         w_op.offset, a_op.offset, precision)
        return self.jobs[key]

    def to_dict(self) -> dict:
        return {"layer": self.name, "kind": self.kind, "macs": self.macs,
                "outputs": self.outputs, "overflow": self.overflow,
                "pair_saturated": self.pair_saturated,
                "activation_terms": list(self.activation_terms),
                "w_term_types": [asdict(t) for t in self.w_term_types],
                "a_term_types": [asdict(t) for t in self.a_term_types],
                "jobs": [j.to_dict() for j in self.jobs.values()]}
