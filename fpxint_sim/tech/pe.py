"""A PE's datapath, one rule for its MAC energy and its area (45 nm, before node scaling).

A precision p (4 or 8 bits) doing m MACs per PE per cycle has m p x p multipliers; for m > 1
(Bit Fusion style) an adder tree of m - 1 adders, each 2p + log2(m) bits wide, sums the m
products into one accumulator add per cycle. Per MAC:

    E(p) = E_mult(p) + (m - 1)/m * E_add(2p + log2 m) + E_add(acc_bits) / m

With m = 1 and a wider precision in the same PE, the narrower operands run sign-extended in the
wider multiplier and pay its energy. PE area = the largest precision's multipliers and tree +
one accumulator adder + registers (weight, activation, partial sum).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fpxint_sim.tech import logic45


@dataclass(frozen=True)
class PrecisionDatapath:
    bits: int
    macs_per_cycle: int
    multiplier_bits: int  # the multiplier the operands run in

    @property
    def tree_bits(self) -> int:
        return 2 * self.bits + math.ceil(math.log2(self.macs_per_cycle))

    def mac_energy_pj(self, acc_bits: int) -> float:
        m = self.macs_per_cycle
        tree = (m - 1) / m * logic45.add_energy_pj(self.tree_bits) if m > 1 else 0.0
        return (logic45.mult_energy_pj(self.multiplier_bits) + tree
                + logic45.add_energy_pj(acc_bits) / m)

    def area_um2(self) -> float:
        m = self.macs_per_cycle
        return (m * logic45.mult_area_um2(self.bits)
                + (m - 1) * logic45.add_area_um2(self.tree_bits))


def datapaths(macs_per_pe_per_cycle: dict[str, int]) -> dict[str, PrecisionDatapath]:
    """Datapath per precision key ('int4', 'int8') of an arithmetic section."""
    bits = {p: int(p.removeprefix("int")) for p in macs_per_pe_per_cycle}
    widest = max(bits.values())
    return {p: PrecisionDatapath(b, m, b if (m > 1 or b == widest) else widest)
            for p, (b, m) in ((p, (bits[p], macs_per_pe_per_cycle[p])) for p in bits)}


def pe_area_um2(macs_per_pe_per_cycle: dict[str, int], weight_bits: int, act_bits: int,
                acc_bits: int) -> float:
    """One PE at 45 nm: datapath of the most demanding precision, accumulator, registers."""
    path = max(d.area_um2() for d in datapaths(macs_per_pe_per_cycle).values())
    regs = (weight_bits + act_bits + acc_bits) * logic45.REGISTER_BIT_AREA_UM2
    return path + logic45.add_area_um2(acc_bits) + regs


# Reference MACs of the table (45 nm, 32-bit / FP32 accumulation), for W4A16 and FP baselines.
# An INT4 weight is exact in FP16, so an INT4 x FP16 PE can be an FP16 FMA: charged as one.
REFERENCE_MACS = {
    "int2": (logic45.mult_energy_pj(2) + logic45.add_energy_pj(32),
             logic45.mult_area_um2(2) + logic45.add_area_um2(32)),
    "int4": (logic45.mult_energy_pj(4) + logic45.add_energy_pj(32),
             logic45.mult_area_um2(4) + logic45.add_area_um2(32)),
    "int8": (logic45.mult_energy_pj(8) + logic45.add_energy_pj(32),
             logic45.mult_area_um2(8) + logic45.add_area_um2(32)),
    "int4xfp16": (logic45.FP_MULT[16][0] + logic45.FP_ADD[32][0],
                  logic45.FP_MULT[16][1] + logic45.FP_ADD[32][1]),
    "fp16": (logic45.FP_MULT[16][0] + logic45.FP_ADD[32][0],
             logic45.FP_MULT[16][1] + logic45.FP_ADD[32][1]),
}

# The vector unit's op: one FP32 multiply + add (scale and accumulate), per lane.
VECTOR_OP_ENERGY_PJ = logic45.FP_MULT[32][0] + logic45.FP_ADD[32][0]
VECTOR_LANE_AREA_UM2 = logic45.FP_MULT[32][1] + logic45.FP_ADD[32][1]
# assumption: on-chip interconnect (array links, buffer-to-array buses) as a fraction of the
# other components' area.
INTERCONNECT_AREA_FRACTION = 0.10
