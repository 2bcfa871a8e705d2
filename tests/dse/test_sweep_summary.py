"""The sweep summary: every point with its hardware and expansion, both fronts named and counted
as what they are, the best point under the budgets on the page, dots linked to their rows."""

import csv
import html
import re
from pathlib import Path

import numpy as np
import pytest

from fpxint_sim.dse.pareto import front, ranked, within_budgets
from fpxint_sim.dse.space import load_space, points
from fpxint_sim.dse.summary import write_summary

BASE = (Path(__file__).parents[2] / "hw_configs" / "edge_int4_os_8x8.yaml").resolve()
SPACE = f"""base_hw: {BASE}
hw_axes: {{array.array_rows: [4, 8], array.dataflow: [os, ws],
          dram.dram_bw_bytes_per_cycle: [2, 8]}}
expansion_axes: {{w_terms: [1, 2, 3], a_terms: [1, 3]}}
"""


def synthetic_rows(space_path) -> list[dict]:
    """Rows as the runner writes them, with seeded costs (the summary only reads them)."""
    rng = np.random.default_rng(0)
    rows = []
    for p in points(load_space(space_path))[0]:
        e = p.expansion
        rows.append({"point_id": p.point_id,
                     **{f"hw.{k}": v for k, v in p.hw_settings.items()},
                     **{f"exp.{k}": v for k, v in p.expansion_settings.items()},
                     "w_bits": e.w_bits, "a_bits": e.a_bits, "w_terms": e.w_terms,
                     "error": float(10.0 ** -(e.w_terms + e.a_terms + rng.random())),
                     "energy_uj": float(e.w_terms * e.a_terms * (1 + rng.random())),
                     "latency_us": float(100 / p.hw.array.array_rows * (1 + rng.random())),
                     "utilization": float(rng.random())})
    return rows


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    space = out / "space.yaml"
    space.write_text(SPACE)
    rows = synthetic_rows(space)
    budgets = {"max_error": 1e-4, "max_energy": None, "max_latency": None}
    meta = {"space": str(space), "model": "digits_cnn", "points": len(rows),
            "pruned": {"constraints": 0, "unsupported_operands": 0}}
    result = write_summary(out, rows, meta, budgets)
    return {"out": out, "rows": rows, "budgets": budgets, "result": result,
            "page": (out / "summary.html").read_text(), "md": (out / "summary.md").read_text(),
            "by_id": {p.point_id: p for p in points(load_space(space))[0]}}


def row_of(page: str, point_id: str) -> str:
    m = re.search(rf'<tr id="pt-{point_id}">(.*?)</tr>', page, flags=re.S)
    assert m, point_id
    return m.group(1)


def test_every_point_has_a_row_with_its_hardware_and_expansion(sweep):
    page = sweep["page"]
    assert page.count('<tr id="pt-') == len(sweep["rows"]) == 48
    for r in sweep["rows"]:
        p = sweep["by_id"][r["point_id"]]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row_of(page, r["point_id"]))
        cells = [html.unescape(c) for c in cells]
        assert f"{p.hw.array.array_rows}×{p.hw.array.array_cols}" in cells
        assert p.hw.array.dataflow in cells
        assert f"{p.hw.dram.dram_bw_bytes_per_cycle:g}" in cells
        assert f"{p.hw.sram.ifmap_sram_kib:g}/{p.hw.sram.filter_sram_kib:g}/" \
               f"{p.hw.sram.ofmap_sram_kib:g}" in cells
        assert str(p.expansion.w_terms) in cells and str(p.expansion.a_terms) in cells


def test_both_fronts_are_named_and_counted_correctly(sweep):
    rows, page = sweep["rows"], html.unescape(sweep["page"])
    n3 = len(front(rows))
    n_e = len(front(rows, ("error", "energy_uj")))
    n_l = len(front(rows, ("error", "latency_us")))
    assert sweep["result"]["pareto_points"] == n3
    assert (f"3-D Pareto front over (error, energy, latency): {n3} points, ranked by energy x "
            f"latency. 2-D fronts: "
            f"{n_e} points for error vs energy, {n_l} for error vs latency.") in page
    assert n3 != n_e or n3 != n_l  # the seeded rows tell the fronts apart
    with (sweep["out"] / "pareto.csv").open() as f:
        assert len(list(csv.DictReader(f))) == n3
    on_front = page.count("<td class=\"text\">3-D front</td>")
    assert on_front == n3


def test_the_best_point_under_the_budgets_is_on_the_page(sweep):
    best = ranked(within_budgets(front(sweep["rows"]), **sweep["budgets"]))[0]
    assert sweep["result"]["best"]["point_id"] == best["point_id"]
    block = sweep["page"][sweep["page"].index('id="best-point"'):]
    block = html.unescape(block[:block.index("</div>")])
    p = sweep["by_id"][best["point_id"]]
    assert f'href="#pt-{best["point_id"]}"' in block
    assert f"{p.hw.array.array_rows}×{p.hw.array.array_cols}" in block
    assert p.hw.array.dataflow in block
    assert f"**Best point under the budgets:** {best['point_id']}: array " in sweep["md"]


def test_every_dot_links_to_an_existing_row_with_its_settings_as_title(sweep):
    page = sweep["page"]
    anchors = set(re.findall(r'<tr id="(pt-[0-9a-f]+)">', page))
    for name in ("pareto-energy", "pareto-latency"):
        block = page[page.index(f'<map name="map-{name}">'):]
        block = block[:block.index("</map>")]
        areas = re.findall(r'coords="([^"]+)" href="#([^"]+)" title="([^"]+)"', block)
        assert len(areas) == len(sweep["rows"])
        assert {a[1] for a in areas} == anchors
        for coords, href, title in areas:
            x, y, _ = map(float, coords.split(","))
            assert 0 <= x <= 950 and 0 <= y <= 460  # inside the 9.5 x 4.6 in PNG at 100 dpi
            assert title.startswith(href.removeprefix("pt-") + ": array ")
    assert 'usemap="#map-pareto-energy"' in page


def test_same_stylesheet_as_the_run_report(sweep):
    style = (Path(__file__).parents[2] / "fpxint_sim" / "report" / "templates" /
             "style.css").read_text()
    assert style.strip() in sweep["page"]


def test_the_map_coordinates_sit_on_the_drawn_dots(sweep):
    import matplotlib.image as mpimg

    page = sweep["page"]
    block = page[page.index('<map name="map-pareto-energy">'):]
    coords = re.findall(r'coords="([^"]+)"', block[:block.index("</map>")])
    img = mpimg.imread(sweep["out"] / "pareto_energy.png")
    assert img.shape[:2] == (460, 950)
    for c in coords:
        x, y, _ = map(float, c.split(","))
        pixel = img[round(y), round(x), :3]
        assert pixel.min() < 0.9, (c, pixel)  # not the white background: a dot is drawn there


