"""Sweep spaces: validation before anything runs, grid/random sampling, constraints."""

import time
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
    assert len(pts) == 4 and pruned["constraints"] == 2  # 16 x 8 = 128 PEs: over the budget
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
    assert [pt.expansion.w_bits for pt in pts] == [4]
    assert pruned == {"constraints": 0, "unsupported_operands": 1}


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
    ("base_hw: BASE\nexpansion_axes: {w_terms: [1, 1]}\n", "listed twice"),
])
def test_bad_spaces_get_one_error_naming_the_key(tmp_path, body, match):
    with pytest.raises(InputError, match=match) as e:
        load_space(write(tmp_path, body))
    assert "space.yaml" in str(e.value)


def test_random_sampling_decodes_indices_of_a_huge_grid_without_building_it(tmp_path):
    axes = ", ".join(f"sram.ifmap_sram_kib: [{', '.join(str(2 + k) for k in range(40))}]"
                     for _ in range(1))
    p = write(tmp_path, f"""base_hw: BASE
sampling: {{method: random, points: 7, seed: 3}}
hw_axes: {{{axes}, array.array_rows: [4, 8, 16, 32], array.array_cols: [4, 8, 16, 32]}}
expansion_axes: {{w_terms: [1, 2, 3, 4, 5, 6], a_terms: [1, 2, 3, 4, 5, 6, 7, 8],
                  a_tol: [1e-3, 1.0e-4]}}
""")
    pts, _ = points(load_space(p))  # 40 x 4 x 4 x 6 x 8 x 2 = 61,440 grid points
    assert len(pts) == 7 and len({pt.point_id for pt in pts}) == 7
    assert {pt.expansion.a_tol for pt in pts} <= {1e-3, 1e-4}  # '1e-3' read as a number


def test_area_budget_prunes_designs_before_they_run(tmp_path):
    from fpxint_sim.hw.area import total_area_mm2

    p = write(tmp_path, """base_hw: BASE
hw_axes: {array.array_cols: [4, 16], technology_node_nm: [45, 7]}
constraints: {max_area_mm2: 0.1}
""")
    pts, pruned = points(load_space(p))
    areas = {(pt.hw.array.array_cols, pt.hw.technology_node_nm): total_area_mm2(pt.hw)
             for pt in pts}
    assert all(a <= 0.1 for a in areas.values())
    # 45 nm designs are over 0.1 mm^2 here, 7 nm ones under: the budget keeps only 7 nm
    assert set(areas) == {(4, 7), (16, 7)} and pruned["constraints"] == 2


def _axis(n: int, start: int = 1) -> str:
    return "[" + ", ".join(str(start + i) for i in range(n)) + "]"


def test_a_huge_grid_is_refused_before_any_point_is_built(tmp_path):
    p = write(tmp_path, f"""base_hw: BASE
hw_axes: {{sram.ifmap_sram_kib: {_axis(1000)}, sram.filter_sram_kib: {_axis(1000)},
          sram.ofmap_sram_kib: {_axis(1000)}, clock_mhz: {_axis(1000)}}}
""")
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"the grid has 1,000,000,000,000 points"):
        load_space(p)
    assert time.perf_counter() - started < 30  # 4,000 axis values checked, no grid built


@pytest.mark.parametrize("sampling, match", [
    ("{method: random, points: 1000000000}", r"points in 1..1,000,000"),
    ("{method: random, points: 5, seed: -1}", r"sampling.seed"),
    ("{method: random, points: 5, seed: 1.5}", r"sampling.seed"),
    ("[random]", r"key 'sampling'"),
])
def test_random_sampling_is_bounded_and_seeded_by_a_natural_number(tmp_path, sampling, match):
    p = write(tmp_path, f"base_hw: BASE\nsampling: {sampling}\nhw_axes: {{clock_mhz: [1, 2]}}\n")
    with pytest.raises(InputError, match=match):
        load_space(p)


def test_random_sampling_of_axes_past_int64_is_refused(tmp_path):
    axes = ", ".join(f"array.array_rows: {_axis(1000)}" for _ in range(1))
    axes += ", " + ", ".join(f"sram.{b}_sram_kib: {_axis(1000)}" for b in
                             ("ifmap", "filter", "ofmap"))
    axes += f", clock_mhz: {_axis(1000)}, dram.dram_bw_bytes_per_cycle: {_axis(1000)}"
    axes += f", array.array_cols: {_axis(1000)}"
    p = write(tmp_path, f"base_hw: BASE\nsampling: {{method: random, points: 5}}\n"
                        f"hw_axes: {{{axes}}}\n")
    with pytest.raises(InputError, match=r"more than 2\^62"):
        load_space(p)


@pytest.mark.parametrize("content, match", [("", "got NoneType"), ("- 1\n- 2\n", "got list"),
                                            ("a: &a [*a]\n", "recursive alias"),
                                            ("\xff\xfe", "not an accelerator")])
def test_base_hw_that_is_not_a_description_is_one_error(tmp_path, content, match):
    (tmp_path / "base.yaml").write_text(content)
    p = tmp_path / "space.yaml"
    p.write_text("base_hw: base.yaml\nhw_axes: {array.array_rows: [4]}\n")
    with pytest.raises(InputError, match=match) as e:
        load_space(p)
    assert "space.yaml: key 'base_hw'" in str(e.value)


def test_an_alias_bomb_in_a_space_is_refused_before_it_is_fingerprinted(tmp_path):
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
    p = tmp_path / "space.yaml"
    p.write_text(f"base_hw: {BASE}\ndescription:\n" + "".join(
        "  " + line + "\n" for line in bomb.splitlines()))
    started = time.perf_counter()
    with pytest.raises(InputError, match="too large"):
        load_space(p)
    assert time.perf_counter() - started < 2.0


def test_a_scalesim_cfg_as_base_hw_is_refused_with_the_reason(tmp_path):
    (tmp_path / "scale.cfg").write_text("[architecture_presets]\nArrayHeight: 8\n")
    p = tmp_path / "space.yaml"
    p.write_text("base_hw: scale.cfg\nhw_axes: {array.array_rows: [4]}\n")
    with pytest.raises(InputError, match=r"key 'base_hw'.*SCALE-Sim \.cfg"):
        load_space(p)
