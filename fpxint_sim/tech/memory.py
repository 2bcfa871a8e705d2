"""On-chip SRAM and off-chip DRAM figures.

SRAM read energy per 64-bit access at 45 nm is a power law a * KiB^b fitted (least squares in
log-log) to Horowitz's three published SRAM points; an access touches one bank, so the energy
is evaluated at the bank's size. The fit is valid from FIT_MIN_KIB to FIT_MAX_KIB per bank: a
smaller bank is charged the FIT_MIN_KIB value (an upper bound, flagged in its source) and a
larger one is refused (split it into more banks). Area: 6T cells plus periphery that grows with
the side of each bank's square array (docs/energy_area.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fpxint_sim.errors import InputError

# horowitz2014: 64-bit read energy (pJ) of an SRAM of this many KiB, 45 nm.
SRAM_POINTS_64BIT_READ_PJ = {8: 10.0, 32: 20.0, 1024: 100.0}
FIT_MIN_KIB, FIT_MAX_KIB = 8.0, 1024.0
_B, _LOG_A = np.polyfit(np.log(list(SRAM_POINTS_64BIT_READ_PJ)),
                        np.log(list(SRAM_POINTS_64BIT_READ_PJ.values())), 1)
SRAM_FIT_A_PJ, SRAM_FIT_EXPONENT = float(np.exp(_LOG_A)), float(_B)

SRAM_CELL_UM2_45NM = 0.346  # mistry2007
# assumption: one 32 KiB bank has 70 % of its area in cells; the rest, periphery, grows with
# sqrt(bits) of each bank (decoders and sense amplifiers line the sides of the array).
ARRAY_EFFICIENCY_32KIB, _REF_BITS = 0.70, 32 * 1024 * 8
PERIPHERY_UM2_PER_SQRT_BIT = (SRAM_CELL_UM2_45NM * _REF_BITS * (1 / ARRAY_EFFICIENCY_32KIB - 1)
                              / math.sqrt(_REF_BITS))
MAX_SRAM_BANKS = 4096


def sram_bank_kib(kib: float, banks: int) -> float:
    return kib / banks


def sram_energy_pj_per_byte_45nm(kib: float, banks: int, where: str) -> tuple[float, bool]:
    """Read energy per byte at 45 nm and whether the bank was below the fitted range."""
    bank = sram_bank_kib(kib, banks)
    if bank > FIT_MAX_KIB:
        need = math.ceil(kib / FIT_MAX_KIB)
        raise InputError(f"{where}: a bank of {bank:g} KiB is above the SRAM energy fit's range "
                         f"({FIT_MIN_KIB:g}-{FIT_MAX_KIB:g} KiB per bank); use sram_banks >= "
                         f"{need} or give the energy explicitly")
    below = bank < FIT_MIN_KIB
    return SRAM_FIT_A_PJ * max(bank, FIT_MIN_KIB) ** SRAM_FIT_EXPONENT / 8.0, below


def sram_area_um2_45nm(kib: float, banks: int) -> float:
    """Cells plus per-bank periphery at 45 nm."""
    bits = kib * 1024 * 8
    return SRAM_CELL_UM2_45NM * bits + banks * PERIPHERY_UM2_PER_SQRT_BIT * math.sqrt(bits / banks)


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
