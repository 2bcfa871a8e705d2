"""On-chip SRAM and off-chip DRAM figures.

SRAM read energy per 64-bit access at 45 nm is a power law a * KiB^b fitted (least squares in
log-log) to Horowitz's three published SRAM points, valid from FIT_MIN_KIB to FIT_MAX_KIB of
the buffer: a smaller buffer is charged the FIT_MIN_KIB value (an upper bound, flagged in its
source), a larger one is refused (give its energy explicitly). Banks add the routing to them:
CACTI puts a banked SRAM's per-access energy and area above the one-bank figure of the same
capacity, by factors fitted here to published CACTI output (CACTI_40NM). SRAM area is a power
law fitted to the same CACTI output (docs/energy_area.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fpxint_sim.errors import InputError

# horowitz2014: 64-bit read energy (pJ) of an SRAM of this many KiB, 45 nm.
SRAM_POINTS_64BIT_READ_PJ = {8: 10.0, 32: 20.0, 1024: 100.0}
FIT_MIN_KIB, FIT_MAX_KIB = 8.0, 1024.0
_B, _LOG_A = np.polyfit(np.log(list(SRAM_POINTS_64BIT_READ_PJ)),
                        np.log(list(SRAM_POINTS_64BIT_READ_PJ.values())), 1)
SRAM_FIT_A_PJ, SRAM_FIT_EXPONENT = float(np.exp(_LOG_A)), float(_B)

# cacti40: CACTI output at 40 nm published with Accelergy's CACTI plug-in (cacti/out.csv):
# (capacity bytes, banks, output bits) -> (read nJ, write nJ, area mm^2)
CACTI_40NM = {
    (448, 1, 16): (0.000499718, 0.000761365, 0.00260362),
    (8192, 1, 64): (0.00525859, 0.00643241, 0.0426968),
    (102400, 1, 64): (0.0320811, 0.0220674, 0.506807),
    (8192, 2, 64): (0.00624361, 0.00679043, 0.0607978),
    (102400, 16, 64): (0.0345406, 0.0354401, 0.657405),
    (102400, 32, 64): (0.0369077, 0.0373174, 0.774168),
}
CACTI_MIN_BYTES, CACTI_MAX_BYTES = 448, 102400
AREA_40_TO_45 = (45.0 / 40.0) ** 2  # the node table has no 40 nm row: area of a square feature


def _area_fit() -> tuple[float, float]:
    one = [(c, v[2]) for (c, banks, _), v in CACTI_40NM.items() if banks == 1]
    b, log_a = np.polyfit(np.log([c for c, _ in one]), np.log([a for _, a in one]), 1)
    return float(np.exp(log_a)), float(b)


def _bank_slope(column: int) -> float:
    """Least-squares slope k of factor = 1 + k (banks - 1) over the banked CACTI points."""
    x, y = [], []
    for (cap, banks, width), v in CACTI_40NM.items():
        if banks > 1:
            x.append(banks - 1)
            y.append(v[column] / CACTI_40NM[(cap, 1, width)][column] - 1)
    return float(np.dot(x, y) / np.dot(x, x))


SRAM_AREA_A_MM2, SRAM_AREA_EXPONENT = _area_fit()  # mm^2 at 40 nm = a * bytes^b
BANK_ENERGY_SLOPE, BANK_AREA_SLOPE = _bank_slope(0), _bank_slope(2)
MAX_SRAM_BANKS = 4096


def bank_energy_factor(banks: int) -> float:
    return 1.0 + BANK_ENERGY_SLOPE * (banks - 1)


def bank_area_factor(banks: int) -> float:
    return 1.0 + BANK_AREA_SLOPE * (banks - 1)


def sram_energy_pj_per_byte_45nm(kib: float, banks: int, where: str) -> tuple[float, bool]:
    """Read energy per byte of a buffer at 45 nm and whether it is below the fitted range."""
    if kib > FIT_MAX_KIB:
        raise InputError(f"{where}: {kib:g} KiB is above the SRAM energy fit's range "
                         f"({FIT_MIN_KIB:g}-{FIT_MAX_KIB:g} KiB per buffer); give its "
                         "*_sram_{read,write}_energy_pj_per_byte explicitly")
    below = kib < FIT_MIN_KIB
    per_64 = SRAM_FIT_A_PJ * max(kib, FIT_MIN_KIB) ** SRAM_FIT_EXPONENT
    return per_64 / 8.0 * bank_energy_factor(banks), below


def sram_area_um2_45nm(kib: float, banks: int) -> tuple[float, bool]:
    """Area of a buffer at 45 nm and whether its size is outside the CACTI points' range
    (the power law is then extrapolated, and the figure's source says so)."""
    size = kib * 1024
    mm2 = SRAM_AREA_A_MM2 * size**SRAM_AREA_EXPONENT * bank_area_factor(banks)
    return mm2 * 1e6 * AREA_40_TO_45, not CACTI_MIN_BYTES <= size <= CACTI_MAX_BYTES


@dataclass(frozen=True)
class DramType:
    energy_pj_per_byte: float
    bandwidth_gb_per_s: float  # one channel (DDR4, LPDDR5) or one stack (HBM)
    energy_source: str
    bandwidth_source: str


HBM2_PJ_PER_BIT = 3.97  # oconnor2017
DRAM_TYPES = {
    "DDR4": DramType(250.0, 25.6,
                     "horowitz2014: DRAM 2 nJ per 64-bit access, middle of 1.3-2.6 nJ",
                     "jedec: DDR4-3200 x 64 bits = 25.6 GB/s per channel"),
    "LPDDR5": DramType(HBM2_PJ_PER_BIT * 8, 12.8,
                       "oconnor2017: HBM2's 3.97 pJ/bit, used as a lower bound for LPDDR5 (no "
                       "LPDDR5 per-bit figure with a precise citation in the table)",
                       "jedec: LPDDR5-6400 x 16 bits = 12.8 GB/s per channel"),
    "HBM2e": DramType(HBM2_PJ_PER_BIT * 8, 460.8,
                      "oconnor2017: HBM2 3.97 pJ/bit (HBM2E keeps HBM2's interface)",
                      "jedec: HBM2E 3.6 Gb/s x 1024 bits = 460.8 GB/s per stack"),
    "HBM3": DramType(HBM2_PJ_PER_BIT * 8, 819.2,
                     "oconnor2017: HBM2 3.97 pJ/bit (no separate HBM3 figure; same 1024-bit "
                     "interposer I/O)",
                     "jedec: HBM3 6.4 Gb/s x 1024 bits = 819.2 GB/s per stack"),
}
