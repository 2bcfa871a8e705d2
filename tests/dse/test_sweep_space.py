"""Sweep spaces: validation before anything runs, grid/random sampling, constraints."""

from pathlib import Path

import pytest

from fpxint_sim.dse.space import load_space, points
from fpxint_sim.errors import InputError

BASE = (Path(__file__).parents[2] / "hw_configs" / "edge_int4_os_8x8.yaml").resolve()


def write(tmp_path, body: str):
    p = tmp_path / "space.yaml"
    p.write_text(body.replace("BASE", str(BASE)))
    return p


def test_grid_is_the_cartesian_product_and_constraints_prune_before_running(tmp_path):
    p = write(tmp_path, """base_hw: BASE
hw_axes: {array.array_rows: [4, 8, 16], array.array_cols: [8]}
expansion_axes: {w_terms: [1, 2]}
constraints: {max_pes: 64}
""")
    pts, pruned = points(load_space(p))
    assert len(pts) == 4 and pruned == 2  # 16 x 8 = 128 PEs is over the budget
    assert {pt.hw.array.array_rows for pt in pts} == {4, 8}
    assert len({pt.point_id for pt in pts}) == 4


def test_random_sampling_is_seeded_and_a_subset_of_the_grid(tmp_path):
    body = """base_hw: BASE
sampling: {method: random, points: 5, seed: SEED}
hw_axes: {array.array_rows: [4, 8, 16], array.array_cols: [4, 8, 16]}
expansion_axes: {a_terms: [1, 2, 3]}
"""
    a = [pt.point_id for pt in points(load_space(write(tmp_path, body.replace("SEED", "1"))))[0]]
    b = [pt.point_id for pt in points(load_space(write(tmp_path, body.replace("SEED", "1"))))[0]]
    c = [pt.point_id for pt in points(load_space(write(tmp_path, body.replace("SEED", "2"))))[0]]
    assert a == b and len(a) == 5 and a != c


def test_points_with_operand_widths_the_pes_lack_are_pruned(tmp_path):
    p = write(tmp_path, """base_hw: BASE
expansion_axes: {w_bits: [4, 8]}
""")
    pts, pruned = points(load_space(p))  # the edge array takes int4 weights only
    assert [pt.expansion.w_bits for pt in pts] == [4] and pruned == 1


@pytest.mark.parametrize(("body", "match"), [
    ("base_hw: BASE\nhw_axis: {}\n", "key 'hw_axis': unknown key"),
    ("hw_axes: {}\n", "key 'base_hw': missing"),
    ("base_hw: BASE\nhw_axes: {array.array_rows: [8, -4]}\n", "array_rows"),
    ("base_hw: BASE\nhw_axes: {array.dataflow: [ws, rs]}\n", "dataflow"),
    ("base_hw: BASE\nhw_axes: {array.nonsense: [1]}\n", "array.nonsense"),
    ("base_hw: BASE\nhw_axes: {array.array_rows: []}\n", "non-empty list"),
    ("base_hw: BASE\nexpansion_axes: {w_termz: [1]}\n", "expansion_axes.w_termz"),
    ("base_hw: BASE\nexpansion_axes: {w_bits: [9]}\n", "w_bits=9"),
    ("base_hw: BASE\nconstraints: {max_area: 3}\n", "constraints.max_area"),
    ("base_hw: BASE\nsampling: {method: random}\n", "sampling.points"),
])
def test_bad_spaces_get_one_error_naming_the_key(tmp_path, body, match):
    with pytest.raises(InputError, match=match) as e:
        load_space(write(tmp_path, body))
    assert "space.yaml" in str(e.value)
