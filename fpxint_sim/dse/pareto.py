"""Pareto analysis: the points no other point beats on every objective (all minimized)."""

from __future__ import annotations

import numpy as np

OBJECTIVES = ("error", "energy_uj", "latency_us")


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


def within_budgets(rows, max_error=None, max_energy=None, max_latency=None) -> list[dict]:
    return [r for r in rows
            if (max_error is None or r["error"] <= max_error)
            and (max_energy is None or r["energy_uj"] <= max_energy)
            and (max_latency is None or r["latency_us"] <= max_latency)]


def ranked(rows: list[dict]) -> list[dict]:
    """Best first: lowest energy-delay product, then error, then point id (deterministic)."""
    return sorted(rows, key=lambda r: (r["energy_uj"] * r["latency_us"], r["error"],
                                       r["point_id"]))
