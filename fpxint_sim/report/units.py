"""Units and number formats shared by every page: one energy unit per page, readable figures.

Energy is counted in pJ. A page picks ONE unit for all its energies (`energy_unit`), from the
figure a reader looks at first (the energy per inference), so that figure reads between 1 and
1000 and every other energy on the page is in the same unit.
"""

from __future__ import annotations

import math

ENERGY_UNITS = (("pJ", 1.0), ("nJ", 1e3), ("µJ", 1e6), ("mJ", 1e9), ("J", 1e12))
TIME_UNITS = (("ns", 1e-3), ("µs", 1.0), ("ms", 1e3), ("s", 1e6))


def _largest_unit(reference: float, units) -> tuple[str, float]:
    """The largest (name, scale) of ascending `units` in which `reference` is at least 1."""
    chosen = units[0]
    for name, scale in units:
        if abs(reference) >= scale:
            chosen = (name, scale)
    return chosen


def energy_unit(reference_pj: float) -> tuple[str, float]:
    """(unit name, pJ per unit): the largest unit in which `reference_pj` is at least 1."""
    return _largest_unit(reference_pj, ENERGY_UNITS)


def time_unit(reference_us: float) -> tuple[str, float]:
    """(unit name, µs per unit) for a latency, chosen like `energy_unit`."""
    return _largest_unit(reference_us, TIME_UNITS)


def num(value, digits: int = 3) -> str:
    """A figure with `digits` significant digits and thousands separators; 'n/a' for None."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value == 0 or not math.isfinite(value):
            return "0" if value == 0 else str(value)
        magnitude = math.floor(math.log10(abs(value)))
        if magnitude >= digits - 1:
            return f"{round(value):,}"
        if magnitude < -3:
            return f"{value:.{digits - 1}e}"
        return f"{value:,.{digits - 1 - magnitude}f}"
    return str(value)


def percent(fraction: float | None, digits: int = 1) -> str:
    """0.0968 -> '9.7 %'."""
    return "n/a" if fraction is None else f"{100 * fraction:.{digits}f} %"


def binary_bytes(n: float) -> str:
    """Bytes in KiB/MiB/GiB, three significant digits."""
    for name, scale in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if abs(n) >= scale:
            return f"{num(n / scale)} {name}"
    return f"{num(float(n))} B"
