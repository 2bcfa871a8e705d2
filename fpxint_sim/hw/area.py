"""Silicon area of an accelerator at its technology node, by component (mm^2).

    pe_array      PEs x PE area (pe.py datapath rule, or area.pe_area_um2)
    <buf>_sram    CACTI-fitted area of each buffer with its banks (memory.py)
    vector_unit   lanes (vector_ops_per_cycle) x one FP32 multiply-add lane
    interconnect  a stated fraction of the sum of the above

Table figures are 45 nm values scaled by the node's area factor (tech/nodes.py); explicit
values in the description's `area` section are taken as given, at the node.
"""

from __future__ import annotations

from fpxint_sim.hw.schema import PRECISIONS, Accelerator, bits_of
from fpxint_sim.tech import memory, nodes, pe

AREA_COMPONENTS = ("pe_array", "ifmap_sram", "filter_sram", "ofmap_sram", "vector_unit",
                   "interconnect")
BUFFERS = ("ifmap", "filter", "ofmap")


def pe_area_um2(hw: Accelerator) -> float:
    """One PE at the node."""
    if hw.area.pe_area_um2 is not None:
        return hw.area.pe_area_um2
    a = hw.arithmetic
    macs = {k: v for k, v in a.macs_per_pe_per_cycle.items() if k in PRECISIONS}
    w = max(bits_of(t) for t in a.weight_types)
    x = max(bits_of(t) for t in a.activation_types)
    return pe.pe_area_um2(macs, w, x, a.accumulator_bits) * nodes.area_factor(
        hw.technology_node_nm)


def sram_area_um2(hw: Accelerator, buffer: str) -> float:
    kib = hw.sram.sram_bytes(buffer) / 1024
    um2, _ = memory.sram_area_um2_45nm(kib, hw.sram.sram_banks)
    return um2 * nodes.area_factor(hw.technology_node_nm)


def vector_lane_area_um2(hw: Accelerator) -> float:
    if hw.area.vector_lane_area_um2 is not None:
        return hw.area.vector_lane_area_um2
    return pe.VECTOR_LANE_AREA_UM2 * nodes.area_factor(hw.technology_node_nm)


def interconnect_fraction(hw: Accelerator) -> float:
    f = hw.area.interconnect_area_fraction
    return pe.INTERCONNECT_AREA_FRACTION if f is None else f


def area_breakdown_mm2(hw: Accelerator) -> dict[str, float]:
    """Area per component in mm^2, keys AREA_COMPONENTS."""
    parts = {"pe_array": hw.num_pes * pe_area_um2(hw) / 1e6}
    for b in BUFFERS:
        parts[f"{b}_sram"] = sram_area_um2(hw, b) / 1e6
    parts["vector_unit"] = hw.vector_unit.vector_ops_per_cycle * vector_lane_area_um2(hw) / 1e6
    parts["interconnect"] = interconnect_fraction(hw) * sum(parts.values())
    return parts


def total_area_mm2(hw: Accelerator) -> float:
    return sum(area_breakdown_mm2(hw).values())


def area_entry(hw: Accelerator) -> dict:
    """The report's `area` section."""
    parts = area_breakdown_mm2(hw)
    return {"total_mm2": sum(parts.values()), "breakdown_mm2": parts}
