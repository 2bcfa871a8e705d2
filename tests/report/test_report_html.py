"""report.html: the headline first, one energy unit, a truthful energy share, readable plots,
a sortable layers table, provenance folded away, and nothing that reads like a JSON dump."""

import base64
import html
import re

import pytest
from report_documents import many_layers, topology_document, with_area_and_technology

from fpxint_sim.report import render_report_files
from fpxint_sim.report.document import BOUND_RULE, bound_of, cycle_split, headline
from fpxint_sim.report.html_page import page_energy_unit
from fpxint_sim.report.layer_bars import TOP_N, pick_layers
from fpxint_sim.report.roofline import roofline_data
from fpxint_sim.report.units import ENERGY_UNITS, energy_unit, num

FIGURE_IDS = ("roofline", "cycles-per-layer", "energy-per-layer", "dram-by-job-order",
              "cost-per-term")


@pytest.fixture(scope="module")
def document():
    return topology_document()


@pytest.fixture(scope="module")
def page(document):
    return render_report_files(document)["report.html"]


def text_of(page: str) -> str:
    """The visible text: no tags, scripts, styles or data URIs."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_headline_is_derived_from_the_totals(document):
    head = document["headline"]
    t = document["totals"]
    assert head == headline(document)
    assert head["per"] == "inference" and head["inferences"] == 1  # a topology: one inference
    assert head["latency_us"] == t["latency_us"] and head["energy_pj"] == t["energy_total_pj"]
    assert head["throughput_per_s"] == pytest.approx(1e6 / t["latency_us"], rel=1e-15)
    split = head["cycle_split"]
    assert sum(split.values()) == t["cycles"] and min(split.values()) >= 0
    assert split[head["bound"]] == max(split.values())


def test_per_sample_headline_divides_the_batch():
    doc = topology_document()
    doc["run"]["source"].update(samples=7, model="digits_cnn")
    head = headline(doc)
    assert head["per"] == "image" and head["inferences"] == 7
    assert head["latency_us"] == doc["totals"]["latency_us"] / 7
    assert head["energy_pj"] == doc["totals"]["energy_total_pj"] / 7


@pytest.mark.parametrize(("compute", "stall", "cycles", "bound"), [
    (100, 10, 110, "compute"), (10, 100, 110, "dram_stall"), (10, 20, 110, "vector_excess"),
    (50, 50, 100, "compute"),  # a tie goes to compute, then DRAM
])
def test_bound_is_the_largest_part_of_the_cycles(compute, stall, cycles, bound):
    split = cycle_split({"compute_cycles": compute, "stall_cycles": stall, "cycles": cycles})
    assert bound_of(split) == bound


def test_page_opens_with_the_headline_figures(document, page):
    head = document["headline"]
    unit_name, scale = page_energy_unit(document)
    first_h2 = page.index("<h2")
    for card in ("headline-latency", "headline-energy", "headline-throughput",
                 "headline-utilization", "headline-bound"):
        assert page.index(f'id="{card}"') < first_h2, card
    energy_card = page[page.index('id="headline-energy"'):][:400]
    assert f"{num(head['energy_pj'] / scale)} <small>{unit_name}</small>" in energy_card
    assert head["bound_label"] in page[page.index('id="headline-bound"'):][:300]
    assert BOUND_RULE in page


def test_one_energy_unit_on_the_whole_page(document, page):
    units = {u for u, _ in ENERGY_UNITS}
    # Energies of this run, not per-action rates ("0.3 pJ/MAC") nor the quoted sources of the
    # technology table ("2 nJ per 64-bit access", a paper's words).
    own = re.sub(r'<table id="technology">.*?</table>', " ", page, flags=re.S)
    found = set(re.findall(r"(?<![A-Za-z])(pJ|nJ|µJ|mJ)(?![A-Za-z/])", text_of(own)))
    assert found == {page_energy_unit(document)[0]}
    assert found <= units


def test_energy_unit_makes_the_reference_figure_read_between_1_and_1000():
    for pj in (3.0, 4.2e3, 41.6e6, 18.7e9, 2e12):
        name, scale = energy_unit(pj)
        assert 1 <= pj / scale < 1000, (pj, name)


def test_energy_share_bar_is_linear(document, page):
    svg = page[page.index('id="energy-share"'):]
    svg = svg[:svg.index("</svg>")]
    widths = [float(w) for w in re.findall(r'<rect x="[^"]+" y="4" width="([^"]+)"', svg)]
    parts = [v for v in document["totals"]["energy_pj"].values() if v > 0]
    whole = sum(parts)
    assert len(widths) == len(parts)
    for w, v in zip(widths, parts):  # widths are rounded to 0.01 of the 900-unit bar
        assert abs(w - 900 * v / whole) <= 0.005 + 1e-9


def test_plots_are_embedded_pngs_with_their_ids(page):
    for fig_id in FIGURE_IDS:
        block = page[page.index(f'<figure id="{fig_id}"'):]
        block = block[:block.index("</figure>")]
        data = re.search(r'src="data:image/png;base64,([^"]+)"', block).group(1)
        assert base64.b64decode(data).startswith(b"\x89PNG"), fig_id
    assert "http://" not in page and "https://" not in page  # nothing fetched from outside


def test_no_python_or_json_reprs_and_no_snake_case_job_orders(page):
    text = text_of(page)
    assert "{'" not in text and "{\"" not in text and "': " not in text
    for raw in ("weight_stationary", "activation_shared", "split_array", "energy_total_pj"):
        assert raw not in text, raw
    assert "not the array's dataflow" in text


def test_layers_table_is_sortable_with_numbers_behind_the_text(document, page):
    table = page[page.index('<table class="sortable" id="layers">'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr id=\"layer-([^\"]+)\">(.*?)</tr>", table, flags=re.S)
    assert [n for n, _ in rows] == [ly["name"] for ly in document["layers"]]
    for (_, row), ly in zip(rows, document["layers"]):
        values = [float(v) for v in re.findall(r'data-v="([^"]+)"', row)]
        assert ly["cycles"] in values and ly["macs"] in values
        assert ly["energy_total_pj"] in values
    assert "addEventListener" in page  # the sort script is inlined


def test_provenance_is_in_a_details_block(document, page):
    block = page[page.index('<details id="provenance">'):]
    block = block[:block.index("</details>")]
    assert html.escape(document["run"]["command"]) in block
    assert document["run"]["hw"]["file"] in block


def test_area_and_technology_render_when_present_and_not_otherwise(document, page):
    without = {k: v for k, v in document.items() if k not in ("area", "technology")}
    page = render_report_files(without, plots=False)["report.html"]
    with_keys = render_report_files(with_area_and_technology(document), plots=False)
    extra = with_keys["report.html"]
    assert 'id="headline-area"' in extra and "1.25 <small>mm²</small>" in extra
    tech = extra[extra.index('id="technology"'):]
    assert "Horowitz ISSCC 2014" in tech and "LPDDR4" in extra and "45 nm" in extra
    assert 'id="headline-area"' not in page and 'id="technology"' not in page


def test_two_hundred_layers_stay_readable():
    doc = topology_document(many_layers(200), w_terms=1, a_terms=1)
    names = [ly["name"] for ly in doc["layers"]]
    cycles = [ly["cycles"] for ly in doc["layers"]]
    labels, (picked,), note = pick_layers(names, [cycles])
    rest = sorted(cycles, reverse=True)[TOP_N - 1:]
    assert len(labels) == TOP_N and labels[-1] == f"mean of {len(rest)} others"
    assert picked[:-1] == sorted(cycles, reverse=True)[:TOP_N - 1]
    assert picked[-1] == sum(rest) / len(rest)  # on the scale of one layer
    assert f"together make {100 * sum(rest) / sum(cycles):.1f} % of the total" in note
    page = render_report_files(doc)["report.html"]
    assert page.count('<tr id="layer-') == 200


def test_roofline_ceilings_come_from_the_description(document):
    data = roofline_data(document)
    hw = document["run"]["hw"]
    for prec, rate in hw["arithmetic"]["macs_per_pe_per_cycle"].items():
        assert data["peaks_gmacs"][prec] == hw["num_pes"] * rate * hw["clock_mhz"] / 1e3
    assert data["dram_gbytes_per_s"] == hw["dram"]["dram_bw_bytes_per_cycle"] \
        * hw["clock_mhz"] / 1e3
    for p, ly in zip(data["points"], document["layers"]):
        assert p["intensity"] == ly["macs"] / (ly["dram_read_bytes"] + ly["dram_write_bytes"])
        assert p["precision"] == "int4"
        assert p["gmacs"] <= data["peaks_gmacs"]["int4"]
