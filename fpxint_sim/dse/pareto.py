"""Pareto analysis: the points no other point beats on every objective (all minimized)."""

from __future__ import annotations

import numpy as np
from numba import njit

OBJECTIVES = ("error", "energy_uj", "latency_us")
OBJECTIVES_WITH_AREA = (*OBJECTIVES, "area_mm2")


def pareto_mask(values: np.ndarray) -> np.ndarray:
    """values (n, k), smaller is better: True where no row is <= everywhere and < somewhere.

    Identical rows do not dominate each other, so ties all stay on the front. Rows are visited
    in lexicographic order, where a dominator always comes first, and each is compared with the
    front found so far only (a dominated dominator implies a dominating front point): O(n f) for
    a front of f points, not O(n^2).
    """
    v = np.ascontiguousarray(values, dtype=np.float64)
    if v.ndim != 2 or len(v) == 0:
        return np.ones(len(v), dtype=bool)
    order = np.lexsort(v.T[::-1]).astype(np.int64)  # first objective is the primary key
    return _skyline(v, order)


@njit(cache=True)
def _skyline(v, order):
    n, k = v.shape
    keep = np.zeros(n, np.bool_)
    front_rows = np.empty(n, np.int64)
    nf = 0
    for idx in range(n):
        q = order[idx]
        dominated = False
        for f in range(nf):
            p = front_rows[f]
            le, lt = True, False
            for c in range(k):
                if not v[p, c] <= v[q, c]:  # NaN compares false: it never dominates
                    le = False
                    break
                if v[p, c] < v[q, c]:
                    lt = True
            if le and lt:
                dominated = True
                break
        if not dominated:
            keep[q] = True
            front_rows[nf] = q
            nf += 1
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


def cost_rule(objectives=OBJECTIVES) -> str:
    """The ranking figure of `cost`, in words for the summary."""
    return "energy x latency x area" if "area_mm2" in objectives else "energy x latency"


def ranked(rows: list[dict], objectives=OBJECTIVES) -> list[dict]:
    """Best first: lowest energy-delay (x area) product, then error, then point id."""
    return sorted(rows, key=lambda r: (cost(r, objectives), r["error"], r["point_id"]))
