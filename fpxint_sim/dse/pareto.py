"""Pareto analysis: the points no other point beats on every objective (all minimized)."""

from __future__ import annotations

import numpy as np

OBJECTIVES = ("error", "energy_uj", "latency_us")
OBJECTIVES_WITH_AREA = (*OBJECTIVES, "area_mm2")


def pareto_mask(values: np.ndarray) -> np.ndarray:
    """values (n, k), smaller is better: True where no row is <= everywhere and < somewhere.

    Identical rows do not dominate each other, so ties all stay on the front.
    """
    v = np.asarray(values, dtype=np.float64)
    keep = np.ones(len(v), dtype=bool)
    for i in range(len(v)):
        le = np.all(v <= v[i], axis=1)
        lt = np.any(v < v[i], axis=1)
        keep[i] = not np.any(le & lt)
    return keep


def front(rows: list[dict], objectives=OBJECTIVES) -> list[dict]:
    """The non-dominated rows over `objectives` (any 2-D projection too)."""
    if not rows:
        return []
    mask = pareto_mask(np.array([[r[o] for o in objectives] for r in rows]))
    return [r for r, m in zip(rows, mask) if m]


def within_budgets(rows, max_error=None, max_energy=None, max_latency=None,
                   max_area=None) -> list[dict]:
    return [r for r in rows
            if (max_error is None or r["error"] <= max_error)
            and (max_energy is None or r["energy_uj"] <= max_energy)
            and (max_latency is None or r["latency_us"] <= max_latency)
            and (max_area is None or r["area_mm2"] <= max_area)]


def cost(row: dict, objectives=OBJECTIVES) -> float:
    """The ranking figure: energy x latency, times area when area is an objective (EDAP)."""
    value = row["energy_uj"] * row["latency_us"]
    return value * row["area_mm2"] if "area_mm2" in objectives else value


def ranked(rows: list[dict], objectives=OBJECTIVES) -> list[dict]:
    """Best first: lowest energy-delay (x area) product, then error, then point id."""
    return sorted(rows, key=lambda r: (cost(r, objectives), r["error"], r["point_id"]))
