"""Fill a validated description's unset energy, bandwidth and leakage figures from the table at
its node, and record every figure in use with its unit and source.

A key the description gives is kept and recorded with source 'description'; every other figure
comes from the technology table (fpxint_sim/tech: pe.py, memory.py, logic45.py) scaled to the
node (nodes.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from fpxint_sim.errors import InputError
from fpxint_sim.hw import area as area_model
from fpxint_sim.hw.schema import PRECISIONS, Accelerator
from fpxint_sim.tech import logic45, memory, nodes, pe

Error = Callable[[tuple[str, ...], str], Exception]
GIVEN = "description"


def _given(raw: dict, section: str, key: str) -> bool:
    return isinstance(raw.get(section), dict) and key in raw[section]


class _Figures:
    def __init__(self):
        self.rows: list[tuple[str, float, str, str]] = []

    def add(self, key: str, value: float, unit: str, source: str) -> float:
        self.rows.append((key, float(value), unit, source))
        return value


def _mac_energies(hw: Accelerator, raw: dict, figs: _Figures, scale: str, e: float) -> dict:
    a = hw.arithmetic
    if _given(raw, "arithmetic", "mac_energy_pj"):
        return {k: figs.add(f"arithmetic.mac_energy_pj.{k}", v, "pJ/MAC", GIVEN)
                for k, v in a.mac_energy_pj.items()}
    paths = pe.datapaths({k: v for k, v in a.macs_per_pe_per_cycle.items() if k in PRECISIONS})
    out = {}
    for k, d in paths.items():
        how = (f"table (pe.py): {d.bits}-bit multiply in a {d.multiplier_bits}-bit multiplier, "
               f"{d.macs_per_cycle} MAC/PE/cycle, {a.accumulator_bits}-bit accumulate; "
               f"horowitz2014{scale}")
        out[k] = figs.add(f"arithmetic.mac_energy_pj.{k}",
                          d.mac_energy_pj(a.accumulator_bits) * e, "pJ/MAC", how)
    return out


def _sram(hw: Accelerator, raw: dict, figs: _Figures, scale: str, e: float,
          error: Error) -> dict:
    s, changes = hw.sram, {}
    for access in ("read", "write"):
        shared = f"sram_{access}_energy_pj_per_byte"
        if _given(raw, "sram", shared):
            figs.add(f"sram.{shared}", getattr(s, shared), "pJ/byte", GIVEN)
        for b in area_model.BUFFERS:
            own = f"{b}_sram_{access}_energy_pj_per_byte"
            if _given(raw, "sram", own):
                figs.add(f"sram.{own}", getattr(s, own), "pJ/byte", GIVEN)
            elif not _given(raw, "sram", shared):
                kib = s.sram_bytes(b) / 1024
                try:
                    pj, below = memory.sram_energy_pj_per_byte_45nm(kib, s.sram_banks,
                                                                    f"{b} buffer")
                except InputError as exc:
                    raise error(("sram", f"{b}_sram_kib"), str(exc)) from None
                how = (f"table (memory.py): horowitz2014 SRAM fit {memory.SRAM_FIT_A_PJ:.4g} * "
                       f"KiB^{memory.SRAM_FIT_EXPONENT:.4g} pJ/64 bit at {kib:g} KiB"
                       + (f" (below the fit's {memory.FIT_MIN_KIB:g} KiB: its value, an upper "
                          "bound)" if below else "")
                       + f" x {memory.bank_energy_factor(s.sram_banks):.4g} for "
                       f"{s.sram_banks} bank(s) (cacti40 fit)"
                       + ("; writes taken equal to reads (assumption)" if access == "write"
                          else "") + scale)
                changes[own] = figs.add(f"sram.{own}", pj * e, "pJ/byte", how)
    return changes


def _dram(hw: Accelerator, raw: dict, figs: _Figures) -> dict:
    d, t, changes = hw.dram, memory.DRAM_TYPES[hw.dram_type], {}
    for access in ("read", "write"):
        key = f"dram_{access}_energy_pj_per_byte"
        if _given(raw, "dram", key):
            figs.add(f"dram.{key}", getattr(d, key), "pJ/byte", GIVEN)
        else:
            changes[key] = figs.add(f"dram.{key}", t.energy_pj_per_byte, "pJ/byte",
                                    f"table (memory.py, {hw.dram_type}): {t.energy_source}")
    figs.add("dram.bandwidth_gb_per_s", t.bandwidth_gb_per_s * d.dram_channels, "GB/s",
             f"table (memory.py, {hw.dram_type} x {d.dram_channels}): {t.bandwidth_source}")
    if _given(raw, "dram", "dram_bw_bytes_per_cycle"):
        if d.dram_bw_bytes_per_cycle is not None:
            figs.add("dram.dram_bw_bytes_per_cycle", d.dram_bw_bytes_per_cycle, "bytes/cycle",
                     GIVEN)
    elif "dram_type" in raw:  # a named DRAM type sets the bandwidth the cycle model sees
        bw = t.bandwidth_gb_per_s * d.dram_channels * 1000.0 / hw.clock_mhz
        changes["dram_bw_bytes_per_cycle"] = figs.add(
            "dram.dram_bw_bytes_per_cycle", bw, "bytes/cycle",
            f"dram.bandwidth_gb_per_s x 1000 / clock_mhz {hw.clock_mhz:g}")
    return changes


def _area_figures(hw: Accelerator, raw: dict, figs: _Figures, scale: str) -> None:
    figs.add("area.pe_area_um2", area_model.pe_area_um2(hw), "um^2",
             GIVEN if _given(raw, "area", "pe_area_um2") else
             f"table (pe.py): multipliers, adder tree, accumulator (horowitz2014), registers "
             f"(aladdin2014){scale}")
    for b in area_model.BUFFERS:
        _, outside = memory.sram_area_um2_45nm(hw.sram.sram_bytes(b) / 1024, hw.sram.sram_banks)
        figs.add(f"area.{b}_sram_um2", area_model.sram_area_um2(hw, b), "um^2",
                 f"table (memory.py): cacti40 area fit {memory.SRAM_AREA_A_MM2:.4g} * "
                 f"bytes^{memory.SRAM_AREA_EXPONENT:.4g} mm^2 x "
                 f"{memory.bank_area_factor(hw.sram.sram_banks):.4g} for {hw.sram.sram_banks} "
                 "bank(s), x (45/40)^2"
                 + (" (extrapolated beyond the CACTI points' 448 B-100 KiB)" if outside else "")
                 + scale)
    figs.add("area.vector_lane_area_um2", area_model.vector_lane_area_um2(hw), "um^2",
             GIVEN if _given(raw, "area", "vector_lane_area_um2") else
             f"table (pe.py): FP32 mult + FP32 add, horowitz2014{scale}")
    figs.add("area.interconnect_area_fraction", area_model.interconnect_fraction(hw), "1",
             GIVEN if _given(raw, "area", "interconnect_area_fraction") else
             "table (pe.py): assumption")


def apply_technology(hw: Accelerator, raw: dict, error: Error) -> Accelerator:
    """`hw` with unset figures from the table at its node and `technology_figures` filled.

    `raw` is the description as given (to tell explicit keys from defaults); `error(key,
    problem)` builds the InputError that names the file, line and key."""
    node = hw.technology_node_nm
    e, scale = nodes.energy_factor(node), nodes.scaling_source(node)
    figs = _Figures()
    figs.add("technology.energy_factor", e, "x 45 nm", f"stillmaker2017 at {nodes.VDD_V} V")
    figs.add("technology.area_factor", nodes.area_factor(node), "x 45 nm", "stillmaker2017")
    arith = dataclasses.replace(hw.arithmetic,
                                mac_energy_pj=_mac_energies(hw, raw, figs, scale, e))
    sram = dataclasses.replace(hw.sram, **_sram(hw, raw, figs, scale, e, error))
    dram = dataclasses.replace(hw.dram, **_dram(hw, raw, figs))
    vec = hw.vector_unit
    if _given(raw, "vector_unit", "vector_energy_pj_per_op"):
        figs.add("vector_unit.vector_energy_pj_per_op", vec.vector_energy_pj_per_op, "pJ/op",
                 GIVEN)
    else:
        vec = dataclasses.replace(vec, vector_energy_pj_per_op=figs.add(
            "vector_unit.vector_energy_pj_per_op", pe.VECTOR_OP_ENERGY_PJ * e, "pJ/op",
            f"table (pe.py): FP32 mult 3.7 + FP32 add 0.9, horowitz2014{scale}"))
    hw = dataclasses.replace(hw, arithmetic=arith, sram=sram, dram=dram, vector_unit=vec)
    _area_figures(hw, raw, figs, scale)
    static = hw.static_power_mw
    if "static_power_mw" in raw:
        figs.add("static_power_mw", static, "mW", GIVEN)
    else:  # leakage of the whole area: density at 45 nm, per-device power scaled like energy
        area_45_um2 = area_model.total_area_mm2(hw) * 1e6 / nodes.area_factor(node)
        static = figs.add("static_power_mw", area_45_um2 * logic45.LEAKAGE_UW_PER_UM2 * e / 1e3,
                          "mW", "table (logic45.py): aladdin2014 leakage per um^2 x area"
                          f"{scale}")
    return dataclasses.replace(hw, static_power_mw=static, technology_figures=tuple(figs.rows))


def technology_entry(hw: Accelerator) -> dict:
    """The report's `technology` section. A description built without the loader (a SCALE-Sim
    .cfg, or code) lists its energy figures with source 'schema default'."""
    rows = hw.technology_figures or _schema_defaults(hw)
    return {"node_nm": hw.technology_node_nm, "dram_type": hw.dram_type,
            "figures": [{"key": k, "value": v, "unit": u, "source": s} for k, v, u, s in rows]}


def _schema_defaults(hw: Accelerator) -> list[tuple[str, float, str, str]]:
    src = "schema default (fpxint_sim/hw/schema.py, Horowitz 45 nm)"
    rows = [(f"arithmetic.mac_energy_pj.{k}", float(v), "pJ", src)
            for k, v in hw.arithmetic.mac_energy_pj.items()]
    for b in area_model.BUFFERS:
        for access in ("read", "write"):
            rows.append((f"sram.{b}_sram_{access}_energy_pj_per_byte",
                         float(hw.sram.energy_pj_per_byte(b, access)), "pJ/byte", src))
    rows += [("dram.dram_read_energy_pj_per_byte", hw.dram.dram_read_energy_pj_per_byte,
              "pJ/byte", src),
             ("dram.dram_write_energy_pj_per_byte", hw.dram.dram_write_energy_pj_per_byte,
              "pJ/byte", src),
             ("vector_unit.vector_energy_pj_per_op", hw.vector_unit.vector_energy_pj_per_op,
              "pJ", src),
             ("static_power_mw", hw.static_power_mw, "mW", src)]
    return rows
