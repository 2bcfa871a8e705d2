"""Energy of one job per component: a table of (count x energy per action), Accelergy style.

The energies per action are the description's fields, which the loader fills from the
technology table at the description's node and DRAM type when they are not given
(fpxint_sim/hw/technology.py); this file only counts.

    mac          macs x mac_energy_pj[precision of the pair of PE operand types]
    <buf>_sram   read bytes x <buf> read energy/byte + write bytes x <buf> write energy/byte
    dram         read bytes x dram_read_energy_pj_per_byte + write bytes x dram_write_...
    vector       epilogue ops x vector_energy_pj_per_op
    static       static_power_mw x run time = static_power_mw * cycles / clock_mhz * 1000 pJ
                 (1 mW for 1 us is 1 nJ)
"""

from __future__ import annotations

from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.sim.traffic import Traffic

ENERGY_COMPONENTS = ("mac", "ifmap_sram", "filter_sram", "ofmap_sram", "dram", "vector", "static")


def static_energy_pj(hw: Accelerator, cycles: int) -> float:
    """Leakage and clock energy over `cycles` at the accelerator's clock."""
    return hw.static_power_mw * cycles / hw.clock_mhz * 1000.0


def job_energy_pj(hw: Accelerator, macs: int, weight_type: str, activation_type: str,
                  traffic: Traffic, vector_ops: int, cycles: int) -> dict[str, float]:
    """Energy per component in pJ, keys ENERGY_COMPONENTS; the MACs at the rate of the pair of
    PE operand types."""
    sram, dram = hw.sram, hw.dram

    def sram_pj(buffer: str) -> float:
        return (getattr(traffic, f"{buffer}_sram_read_bytes")
                * sram.energy_pj_per_byte(buffer, "read")
                + getattr(traffic, f"{buffer}_sram_write_bytes")
                * sram.energy_pj_per_byte(buffer, "write"))

    return {
        "mac": macs * hw.arithmetic.mac_energy(weight_type, activation_type),
        "ifmap_sram": sram_pj("ifmap"),
        "filter_sram": sram_pj("filter"),
        "ofmap_sram": sram_pj("ofmap"),
        "dram": (traffic.dram_read_bytes * dram.dram_read_energy_pj_per_byte
                 + traffic.dram_write_bytes * dram.dram_write_energy_pj_per_byte),
        "vector": vector_ops * hw.vector_unit.vector_energy_pj_per_op,
        "static": static_energy_pj(hw, cycles),
    }
