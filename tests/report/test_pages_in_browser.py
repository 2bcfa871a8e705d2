"""Every kind of page the tool writes, loaded in headless Chromium (Debian's package).

A page fails on a console error or warning, an uncaught exception, a broken image, a required
plot that is missing, a missing headline, a layout wider than the window, or a sortable table
that does not sort. Screenshots go to artifacts/screenshots/ (ignored by git; CI keeps them).
Skipped when chromium is absent, unless FPXINT_REQUIRE_BROWSER=1 (CI), where that fails.
"""

import os
import re
from pathlib import Path

import pytest
from chromium_cdp import Chromium, chromium_path, load_page
from report_documents import ROOT, SMALL, many_layers

from fpxint_sim.cli.main import main

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
REQUIRED = {  # kind: (headline elements, plots that must be on the page as loaded images)
    "run": (("headline-latency", "headline-energy", "headline-throughput",
             "headline-utilization", "headline-bound"),
            ("roofline", "cycles-per-layer", "energy-per-layer", "dram-by-job-order",
             "cost-per-term")),
    "compare": (("compare-totals",), ("compare-latency", "compare-energy")),
    "sweep": (("best-point",), ("pareto-energy", "pareto-latency")),
}
CHECK_JS = r"""(() => {
  const figureOf = (el) => (el.closest("figure") || {}).id || "";
  const images = Array.from(document.images).map((i) => ({
    figure: figureOf(i), ok: i.complete && i.naturalWidth > 0, width: i.naturalWidth}));
  const headline = document.getElementById("headline");
  const inHeadline = headline ? Array.from(headline.querySelectorAll("[id]")).map((e) => e.id) : [];
  const sorted = Array.from(document.querySelectorAll("table.sortable")).map((t) => {
    const heads = t.querySelectorAll("thead th");
    const first = t.tBodies[0].rows[0];
    let col = heads.length - 1;  // the last column with numbers behind its text
    while (col > 0 && first && first.cells[col].getAttribute("data-v") === null) col--;
    heads[col].click();
    const values = Array.from(t.tBodies[0].rows).map((r) => r.cells[col].getAttribute("data-v"))
      .filter((v) => v !== null).map(parseFloat);
    return values.length > 1 && values.every((v, k) => k === 0 || values[k - 1] >= v);
  });
  return JSON.stringify({
    images, inHeadline, sorted,
    headlineText: headline ? headline.innerText.trim() : "",
    svgFigures: Array.from(document.querySelectorAll("figure svg rect")).map(figureOf),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  });
})()"""


def failures(kind: str, result: dict) -> list[str]:
    """Everything wrong with a loaded page of `kind` ('run', 'compare', 'sweep')."""
    check, (heads, plots) = result["check"], REQUIRED[kind]
    out = list(result["problems"])
    out += [f"broken image in figure {i['figure']!r}" for i in check["images"] if not i["ok"]]
    loaded = {i["figure"] for i in check["images"] if i["ok"]}
    out += [f"plot {p!r} missing" for p in plots if p not in loaded]
    if not check["headlineText"]:
        out.append("headline missing")
    out += [f"headline element {h!r} missing" for h in heads if h not in check["inHeadline"]]
    if kind == "run" and "energy-share" not in check["svgFigures"]:
        out.append("energy share bar missing")
    if check["overflow"] > 0:
        out.append(f"page {check['overflow']} px wider than the window")
    out += [f"sortable table {k} does not sort" for k, ok in enumerate(check["sorted"]) if not ok]
    return out


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("FPXINT_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is not installed, and FPXINT_REQUIRE_BROWSER=1 forbids the skip")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs these tests "
                    "with FPXINT_REQUIRE_BROWSER=1")
    with Chromium(path) as b:
        yield b


def run_report(tmp: Path, name: str, topology: str, *extra: str) -> Path:
    csv = tmp / f"{name}.csv"
    csv.write_text(topology)
    assert main(["run", "--topology", str(csv), "--out", str(tmp / name), *extra]) == 0
    return tmp / name


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """One page of every kind, written by the CLI as a user would."""
    tmp = tmp_path_factory.mktemp("pages")
    small = run_report(tmp, "run_small", SMALL)
    deep = run_report(tmp, "run_200_layers", many_layers(200), "--w-terms", "1",
                      "--a-terms", "1")
    edge = run_report(tmp, "run_edge", SMALL, "--hw",
                      str(ROOT / "hw_configs" / "edge_int4_os_8x8.yaml"))
    assert main(["compare", str(small), str(edge), "--out", str(tmp / "compare")]) == 0
    space = tmp / "space.yaml"
    space.write_text(f"base_hw: {ROOT / 'hw_configs' / 'edge_int4_os_8x8.yaml'}\n"
                     "hw_axes: {array.array_rows: [4, 8], array.dataflow: [os, ws]}\n"
                     "expansion_axes: {w_terms: [1, 2], a_terms: [1, 3]}\n")
    assert main(["sweep", "--model", "digits_cnn", "--space", str(space), "--out",
                 str(tmp / "sweep"), "--workers", "1", "--max-error", "1e-2"]) == 0
    return {"run": small / "report.html", "run_200_layers": deep / "report.html",
            "compare": tmp / "compare" / "compare.html", "sweep": tmp / "sweep" / "summary.html"}


@pytest.mark.parametrize("name", ["run", "run_200_layers", "compare", "sweep"])
def test_page_loads_clean_with_its_headline_and_plots(browser, pages, name):
    result = load_page(browser, pages[name], CHECK_JS, SCREENSHOTS / f"{name}.png")
    assert failures(name.split("_")[0], result) == []
    assert (SCREENSHOTS / f"{name}.png").read_bytes().startswith(b"\x89PNG")


def broken_copy(page: Path, tmp_path: Path, edit) -> Path:
    out = tmp_path / f"broken-{page.name}"
    out.write_text(edit(page.read_text()))
    return out


@pytest.mark.parametrize(("what", "edit", "expected"), [
    ("a plot removed",
     lambda s: re.sub(r'<figure id="roofline">.*?</figure>', "", s, flags=re.S),
     "plot 'roofline' missing"),
    ("an image broken",
     lambda s: re.sub(r'(<figure id="cost-per-term">.*?base64,)[^"]+', r"\1iVBORw0KGgoAAAA", s,
                      count=1, flags=re.S),
     "broken image in figure 'cost-per-term'"),
    ("a console error", lambda s: s.replace("</body>", "<script>console.error('boom')</script>"
                                            "</body>"), "console.error: boom"),
    ("a script error", lambda s: s.replace("</body>", "<script>undefinedCall()</script></body>"),
     "exception: Uncaught"),
    ("the headline removed", lambda s: s.replace('id="headline"', 'id="gone"'),
     "headline missing"),
])
def test_a_damaged_page_fails(browser, pages, tmp_path, what, edit, expected):
    damaged = broken_copy(pages["run"], tmp_path, edit)
    result = load_page(browser, damaged, CHECK_JS, tmp_path / "shot.png")
    found = failures("run", result)
    assert any(f.startswith(expected) for f in found), (what, found)
