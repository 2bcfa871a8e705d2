"""Published 45 nm logic figures: energy in pJ per operation, area in um^2.

Horowitz (ISSCC 2014) tabulates integer and FP adders and multipliers at 45 nm, 0.9 V. Widths
between his points are interpolated linearly (an adder's energy and area grow linearly in its
width); an integer multiplier narrower than 8 bits follows the quadratic rule of array
multipliers (n x n partial products), derived in docs/energy_area.md.
"""

from __future__ import annotations

import numpy as np

NODE_NM = 45

# width (bits): (energy pJ, area um^2) -- horowitz2014 (the 16-bit add has an energy figure
# only; its area, like any width between the published points, is interpolated)
INT_ADD = {8: (0.03, 36.0), 32: (0.1, 137.0)}
INT_ADD_ENERGY_16 = 0.05
INT_MULT = {8: (0.2, 282.0), 32: (3.1, 3495.0)}
FP_ADD = {16: (0.4, 1360.0), 32: (0.9, 4184.0)}
FP_MULT = {16: (1.1, 1640.0), 32: (3.7, 7700.0)}

# aladdin2014, 40 nm: one register bit, and the leakage density of its 32-bit multiplier.
REGISTER_BIT_AREA_UM2_40NM = 5.98
LEAKAGE_UW_PER_UM2_40NM = 80.0 / 6350.0
# 40 -> 45 nm by the area of a square feature (the Stillmaker table has no 40 nm row).
AREA_40_TO_45 = (45.0 / 40.0) ** 2
REGISTER_BIT_AREA_UM2 = REGISTER_BIT_AREA_UM2_40NM * AREA_40_TO_45
LEAKAGE_UW_PER_UM2 = LEAKAGE_UW_PER_UM2_40NM / AREA_40_TO_45  # same leakage per device


def _interp(table: dict[int, tuple[float, float]], bits: float, column: int) -> float:
    widths = sorted(table)
    values = [table[w][column] for w in widths]
    if bits < widths[0]:  # below the narrowest point: scale linearly in width
        return values[0] * bits / widths[0]
    return float(np.interp(bits, widths, values, right=values[-1] * bits / widths[-1]))


def add_energy_pj(bits: float) -> float:
    """An integer add of `bits` bits."""
    return _interp({**INT_ADD, 16: (INT_ADD_ENERGY_16, 0.0)}, bits, 0)


def add_area_um2(bits: float) -> float:
    return _interp(INT_ADD, bits, 1)


def mult_energy_pj(bits: int) -> float:
    """A bits x bits integer multiply: Horowitz's 8-bit figure x (bits/8)^2 up to 8 bits,
    interpolated between his 8- and 32-bit points above."""
    if bits <= 8:
        return INT_MULT[8][0] * (bits / 8) ** 2
    return float(np.interp(bits, [8, 32], [INT_MULT[8][0], INT_MULT[32][0]]))


def mult_area_um2(bits: int) -> float:
    if bits <= 8:
        return INT_MULT[8][1] * (bits / 8) ** 2
    return float(np.interp(bits, [8, 32], [INT_MULT[8][1], INT_MULT[32][1]]))
