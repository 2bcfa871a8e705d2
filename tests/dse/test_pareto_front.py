"""The Pareto mask keeps exactly the non-dominated points."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from fpxint_sim.dse.pareto import front, pareto_mask, ranked, within_budgets


def dominated(v, i):
    return any(np.all(v[j] <= v[i]) and np.any(v[j] < v[i]) for j in range(len(v)) if j != i)


@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 40), st.integers(1, 4)),
                  elements=st.integers(0, 5).map(float) | st.sampled_from([np.inf, 0.5])))
def test_mask_is_exactly_the_set_of_non_dominated_points(v):
    mask = pareto_mask(v)
    assert [bool(m) for m in mask] == [not dominated(v, i) for i in range(len(v))]
    assert mask.any()


def test_a_large_front_is_found_without_comparing_every_pair():
    """20,000 points on a 3-D front (a sphere octant: none dominates another) plus 20,000
    dominated copies: the front is exactly the first half."""
    rng = np.random.default_rng(0)
    d = np.abs(rng.standard_normal((20000, 3)))
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    v = np.vstack([d, d + 0.5])
    mask = pareto_mask(v)
    assert mask[:20000].all() and not mask[20000:].any()


def test_front_budgets_and_ranking():
    rows = [{"point_id": "a", "error": 0.1, "energy_uj": 1.0, "latency_us": 1.0},
            {"point_id": "b", "error": 0.2, "energy_uj": 2.0, "latency_us": 2.0},  # dominated
            {"point_id": "c", "error": 0.01, "energy_uj": 3.0, "latency_us": 2.0}]
    assert [r["point_id"] for r in front(rows)] == ["a", "c"]
    assert [r["point_id"] for r in within_budgets(front(rows), max_error=0.05)] == ["c"]
    assert next(r["point_id"] for r in ranked(rows)) == "a"


def test_area_is_an_objective_a_budget_and_a_ranking_factor():
    from fpxint_sim.dse.pareto import OBJECTIVES_WITH_AREA, cost

    rows = [{"point_id": "big", "error": 0.1, "energy_uj": 1.0, "latency_us": 1.0,
             "area_mm2": 4.0},
            {"point_id": "small", "error": 0.1, "energy_uj": 1.5, "latency_us": 1.5,
             "area_mm2": 1.0}]
    assert [r["point_id"] for r in front(rows)] == ["big"]  # dominated without area
    assert [r["point_id"] for r in front(rows, OBJECTIVES_WITH_AREA)] == ["big", "small"]
    assert [r["point_id"] for r in ranked(rows, OBJECTIVES_WITH_AREA)] == ["small", "big"]
    assert cost(rows[0], OBJECTIVES_WITH_AREA) == 4.0 and cost(rows[0]) == 1.0
    assert [r["point_id"] for r in within_budgets(rows, max_area=2.0)] == ["small"]
