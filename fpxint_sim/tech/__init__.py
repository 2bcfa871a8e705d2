"""The technology table shipped with the package: every energy, area and bandwidth figure the
defaults use, each with its source and unit. One file per concern:

    sources.py   the citations (paper or datasheet, with figure or table)
    logic45.py   adders, multipliers, registers, leakage at 45 nm (published figures)
    nodes.py     scaling 45 nm -> 28, 16, 7 nm (and the other tabulated nodes)
    memory.py    SRAM energy/area as a function of size and banks; DRAM types
    pe.py        a PE's datapath: MAC energy and PE area by precision (one rule for both)

Plain data and rules only (no accelerator descriptions): fpxint_sim/hw/technology.py fills a
description's unset figures from this table, and fpxint_sim/hw/area.py computes its area.

docs/energy_area.md derives every figure that is not copied from a source.
"""
