"""Citations of the technology table. A figure's `source` names one of these keys plus the
exact item used; docs/energy_area.md repeats them with the derivations."""

from __future__ import annotations

SOURCES = {
    "horowitz2014": (
        "M. Horowitz, 'Computing's energy problem (and what we can do about it)', ISSCC 2014, "
        "paper 1.1: the energies per operation at 45 nm, 0.9 V (paper's table and keynote "
        "slides); the areas of the same units (the keynote slides' area column)"),
    "stillmaker2017": (
        "A. Stillmaker, B. Baas, 'Scaling equations for the accurate prediction of CMOS device "
        "performance from 180 nm to 7 nm', Integration 58 (2017) 74-81: area scaling factors "
        "and per-node energy polynomials in Vdd (as transcribed in Accelergy hwcomponents, "
        "hwcomponents/scaling/techscaling.py, AREA_SCALING and ENERGY_SCALING)"),
    "aladdin2014": (
        "Y. S. Shao et al., 'Aladdin', ISCA 2014, 40 nm component library (register: 5.98 um^2 "
        "per bit; 32-bit multiplier: 6350 um^2, 80 uW leakage), as tabulated in Accelergy "
        "hwcomponents-library, library/aladdin.py"),
    "cacti40": (
        "CACTI output at 40 nm (capacity, banks, output width -> read/write energy per access, "
        "area) published with Accelergy's CACTI plug-in, accelergy-cacti-plug-in cacti/out.csv"),
    "jedec": (
        "JEDEC data rates x interface width: DDR4-3200 x64 (JESD79-4), LPDDR5-6400 x16 channel "
        "(JESD209-5), HBM2E 3.6 Gb/s x1024 (JESD235), HBM3 6.4 Gb/s x1024 (JESD238)"),
    "oconnor2017": (
        "M. O'Connor et al., 'Fine-Grained DRAM: energy-efficient DRAM for extreme bandwidth "
        "systems', MICRO 2017: HBM2 access energy 3.97 pJ/bit"),
    "assumption": "stated assumption (no published figure used); override it in the description",
}
