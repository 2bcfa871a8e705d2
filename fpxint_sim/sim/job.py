"""Evaluate one integer GEMM job on an accelerator: cycles, traffic, energy, utilization.

`simulate_job` chains the model's stages (mapping -> traffic -> stalls -> energy); JobResult
holds the counters with units in their names and adds up, so a layer's n_w x n_a jobs, or a
network's layers, sum with the builtin `sum`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from fpxint_sim.errors import InputError
from fpxint_sim.hw.operands import OperandChoice, activation_operand, weight_operand
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.sim.energy import ENERGY_COMPONENTS, job_energy_pj
from fpxint_sim.sim.layer_shape import GemmShape
from fpxint_sim.sim.mapping import map_gemm
from fpxint_sim.sim.scalesim_memory import MEMORY_MODELS, scalesim_job_traffic
from fpxint_sim.sim.stalls import Stalls, dram_stalls
from fpxint_sim.sim.traffic import job_traffic


@dataclass(frozen=True)
class JobResult:
    """Counters of one job, or the sum of several (then `jobs` > 1)."""

    cycles: int = 0  # max(compute + stall, vector) cycles
    compute_cycles: int = 0  # array busy, with fill and drain (SCALE-Sim "Total Cycles")
    stall_cycles: int = 0  # waiting for DRAM, prologue and epilogue included
    dram_prologue_cycles: int = 0
    dram_epilogue_cycles: int = 0
    vector_cycles: int = 0  # epilogue unit busy (overlaps the array)
    macs: int = 0
    mac_slots: int = 0  # cycles x PEs x MACs/PE/cycle: what the array could have done
    folds: int = 0
    jobs: int = 0
    ifmap_sram_read_bytes: int = 0
    ifmap_sram_write_bytes: int = 0
    filter_sram_read_bytes: int = 0
    filter_sram_write_bytes: int = 0
    ofmap_sram_read_bytes: int = 0
    ofmap_sram_write_bytes: int = 0
    dram_read_bytes: int = 0
    dram_write_bytes: int = 0
    ifmap_dram_read_bytes: int = 0
    filter_dram_read_bytes: int = 0
    ofmap_dram_read_bytes: int = 0
    ofmap_dram_write_bytes: int = 0
    vector_ops: int = 0
    energy_pj: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(ENERGY_COMPONENTS, 0.0))

    @property
    def utilization(self) -> float:
        """Fraction of the array's MAC slots that did useful MACs over the run time."""
        return self.macs / self.mac_slots if self.mac_slots else 0.0

    @property
    def energy_total_pj(self) -> float:
        """Sum of the energy components."""
        return sum(self.energy_pj.values())

    def __add__(self, other: JobResult) -> JobResult:
        if not isinstance(other, JobResult):
            return NotImplemented
        sums = {f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in dataclasses.fields(self) if f.name != "energy_pj"}
        energy = {k: self.energy_pj.get(k, 0.0) + other.energy_pj.get(k, 0.0)
                  for k in (*self.energy_pj, *(k for k in other.energy_pj
                                               if k not in self.energy_pj))}
        return JobResult(**sums, energy_pj=energy)

    def __radd__(self, other):
        return self if other == 0 else NotImplemented  # lets sum(results) work

    def repeated(self, times: int) -> JobResult:
        """`times` identical copies run one after the other (e.g. the groups of a grouped conv)."""
        if times < 0:
            raise ValueError(f"times must be >= 0, got {times}")
        counts = {f.name: getattr(self, f.name) * times
                  for f in dataclasses.fields(self) if f.name != "energy_pj"}
        return JobResult(**counts, energy_pj={k: v * times for k, v in self.energy_pj.items()})

    def to_dict(self) -> dict:
        """Plain dict for JSON/CSV reports, derived ratios included."""
        d = dataclasses.asdict(self)
        d["utilization"] = self.utilization
        d["energy_total_pj"] = self.energy_total_pj
        return d


def check_operand_bits(hw: Accelerator, weight_bits: int,
                       activation_bits: int) -> tuple[OperandChoice, OperandChoice]:
    """The PE operands of a signed weight term and a signed activation term of these widths (the
    terms every expansion has), or InputError; the one operand rule of fpxint_sim/hw/operands."""
    return (weight_operand(hw, None, weight_bits, True),
            activation_operand(hw, None, activation_bits, True))


def as_operand(hw: Accelerator, rule, operand: OperandChoice | int) -> OperandChoice:
    """An operand choice as given, or the one for a signed term of the given width."""
    return operand if isinstance(operand, OperandChoice) else rule(hw, None, operand, True)


def simulate_job(hw: Accelerator, shape: GemmShape, weight: OperandChoice | int = 8,
                 activation: OperandChoice | int = 8, epilogue_ops: int = 0,
                 output_bits: int | None = None, memory_model: str = "fpxint") -> JobResult:
    """Counters of one INT x INT GEMM job; outputs leave at `output_bits` (default: accumulator).

    weight / activation: the PE operand each side runs in (fpxint_sim/hw/operands.py); a plain
    width b stands for a signed b-bit term. The MAC rate and energy follow the pair's operand
    types, traffic their widths (two 4-bit operands per byte).
    memory_model 'fpxint' (default): traffic.py and stalls.py. 'scalesim': the job runs through
    SCALE-Sim 3.0.0's scratchpads as one SCALE-Sim layer (scalesim_memory.py); counts are its
    1-byte words, its outputs always drain to DRAM (output_bits is not used), cycles are its
    "Total Cycles" and stalls its "Stall Cycles" (which leave out the first prefetch).
    """
    w_op = as_operand(hw, weight_operand, weight)
    a_op = as_operand(hw, activation_operand, activation)
    arith, array, sram = hw.arithmetic, hw.array, hw.sram
    macs_per_pe = arith.macs_per_cycle(w_op.operand_type, a_op.operand_type)
    mp = map_gemm(shape, array.array_rows, array.array_cols, array.dataflow, macs_per_pe)
    vector_cycles = math.ceil(epilogue_ops / hw.vector_unit.vector_ops_per_cycle)
    if memory_model == "scalesim":
        traffic, rep = scalesim_job_traffic(hw, shape, macs_per_pe)
        stalls = Stalls(0, rep.stall_cycles, 0)
        busy = rep.total_cycles
    elif memory_model == "fpxint":
        traffic = job_traffic(
            shape, mp, array.array_cols, w_op.bits, a_op.bits, arith.accumulator_bits,
            arith.accumulator_bits if output_bits is None else output_bits,
            sram.sram_bytes("ifmap"), sram.sram_bytes("filter"), sram.sram_bytes("ofmap"))
        stalls = dram_stalls(mp.folds, mp.cycles_per_fold, traffic.dram_read_bytes,
                             traffic.dram_write_bytes, hw.dram.dram_bw_bytes_per_cycle)
        busy = mp.compute_cycles + stalls.stall_cycles
    else:
        raise InputError(f"memory model must be one of {', '.join(MEMORY_MODELS)}, "
                         f"not {memory_model!r}")
    cycles = max(busy, vector_cycles)
    counts = {f.name: getattr(traffic, f.name) for f in dataclasses.fields(traffic)}
    return JobResult(
        cycles=cycles,
        compute_cycles=mp.compute_cycles,
        stall_cycles=stalls.stall_cycles,
        dram_prologue_cycles=stalls.dram_prologue_cycles,
        dram_epilogue_cycles=stalls.dram_epilogue_cycles,
        vector_cycles=vector_cycles,
        macs=shape.macs,
        mac_slots=cycles * hw.num_pes * macs_per_pe,
        folds=mp.folds,
        jobs=1,
        dram_read_bytes=traffic.dram_read_bytes,
        dram_write_bytes=traffic.dram_write_bytes,
        vector_ops=epilogue_ops,
        energy_pj=job_energy_pj(hw, shape.macs, w_op.operand_type, a_op.operand_type, traffic,
                                epilogue_ops, cycles),
        **counts,
    )
