"""Energies of the weight-only (W4A16) MACs: the description's, or the technology table's.

An INT4 x FP16 MAC and an FP16 x FP16 MAC are charged as in the table's reference MACs
(fpxint_sim/tech/pe.py REFERENCE_MACS: FP16 multiply + FP32 add at 45 nm), scaled to the node
like every other energy; each figure in use is recorded with its source.
"""

from __future__ import annotations

import dataclasses

from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.tech import nodes, pe

GIVEN = "description"
KINDS = ("int4xfp16", "fp16")


def apply_w4a16_technology(hw: Accelerator, raw: dict) -> Accelerator:
    """`hw` with the w4a16 section's unset MAC energies filled from the table (no section: hw)."""
    if hw.w4a16 is None:
        return hw
    node = hw.technology_node_nm
    e, scale = nodes.energy_factor(node), nodes.scaling_source(node)
    given = raw.get("w4a16") if isinstance(raw.get("w4a16"), dict) else {}
    rows, changes = list(hw.technology_figures), {}
    for kind in KINDS:
        key = f"{kind}_mac_energy_pj"
        value = getattr(hw.w4a16, key)
        if key in given and value is not None:
            rows.append((f"w4a16.{key}", float(value), "pJ/MAC", GIVEN))
            continue
        value = pe.REFERENCE_MACS[kind][0] * e
        changes[key] = value
        rows.append((f"w4a16.{key}", float(value), "pJ/MAC",
                     f"table (pe.py REFERENCE_MACS['{kind}']): FP16 mult + FP32 add, "
                     f"horowitz2014{scale}"))
    return dataclasses.replace(hw, w4a16=dataclasses.replace(hw.w4a16, **changes),
                               technology_figures=tuple(rows))
