"""Scaling a 45 nm figure to another node (stillmaker2017).

Area: the published 45 nm row of the area scaling table. Energy: the ratio of the per-node
energy polynomials a*Vdd^2 + b*Vdd + c, evaluated at one common Vdd (VDD_V) so the ratio is the
technology's, not a voltage choice. 28 nm is not tabulated: it is interpolated linearly in the
node between 32 and 20 nm (stated in docs/energy_area.md). Leakage power scales like energy.
"""

from __future__ import annotations

from fpxint_sim.errors import InputError

VDD_V = 0.8
AREA_FROM_45 = {45: 1.0, 32: 0.46, 20: 0.21, 16: 0.19, 14: 0.17, 10: 0.1, 7: 0.059}
ENERGY_POLY = {
    45: (1.103, -0.362, 0.2767),
    32: (0.9559, -0.7823, 0.471),
    20: (0.373, -0.1582, 0.04104),
    16: (0.2958, -0.1241, 0.03024),
    14: (0.2363, -0.09675, 0.02239),
    10: (0.2068, -0.09311, 0.02375),
    7: (0.1776, -0.09097, 0.02447),
}
INTERPOLATED = {28: (32, 20)}
NODES_NM = tuple(sorted({*AREA_FROM_45, *INTERPOLATED}, reverse=True))


def _poly(node: int) -> float:
    a, b, c = ENERGY_POLY[node]
    return a * VDD_V**2 + b * VDD_V + c


def _between(node: int, of) -> float:
    hi, lo = INTERPOLATED[node]
    t = (hi - node) / (hi - lo)
    return of(hi) + (of(lo) - of(hi)) * t


def check_node(node: int, where: str = "technology_node_nm") -> None:
    if node not in NODES_NM:
        raise InputError(f"{where}: unsupported node {node} nm; supported: "
                         + ", ".join(str(n) for n in NODES_NM))


def area_factor(node: int) -> float:
    """Area at `node` / area at 45 nm."""
    check_node(node)
    if node in INTERPOLATED:
        return _between(node, lambda n: AREA_FROM_45[n])
    return AREA_FROM_45[node]


def energy_factor(node: int) -> float:
    """Energy per operation at `node` / at 45 nm (leakage power scales the same)."""
    check_node(node)
    value = _between(node, _poly) if node in INTERPOLATED else _poly(node)
    return value / _poly(45)


def scaling_source(node: int) -> str:
    if node == 45:
        return ""
    how = " (interpolated 32-20 nm)" if node in INTERPOLATED else ""
    return (f"; scaled 45->{node} nm by stillmaker2017 (energy x{energy_factor(node):.4g} at "
            f"{VDD_V} V, area x{area_factor(node):.4g}){how}")
