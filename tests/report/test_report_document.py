"""report.json's document, layers.csv and report.html agree, and the totals add up."""

import base64
import csv
import io
import json
import re
from pathlib import Path

import pytest

from fpxint_sim.hw import load_accelerator
from fpxint_sim.report import SCHEMA, build_report, render_report_files
from fpxint_sim.report.layers_csv import COLUMNS
from fpxint_sim.sim import EPILOGUE_KINDS, ORDERS, parse_topology, simulate_network_work
from fpxint_sim.workload import topology_work

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGY = """name, ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters, stride,
conv1, 18, 18, 3, 3, 3, 16, 2,
convDP, 10, 10, 3, 3, 4, 4, 1,
pw, 8, 8, 1, 1, 16, 32, 1,
fc, 1, 1, 1, 1, 512, 10, 1,
"""
INT_COUNTERS = ("cycles", "compute_cycles", "stall_cycles", "vector_cycles", "macs", "jobs",
                "ifmap_sram_read_bytes", "filter_sram_read_bytes", "ofmap_sram_write_bytes",
                "dram_read_bytes", "dram_write_bytes", "vector_ops")


@pytest.fixture(scope="module")
def document():
    hw = load_accelerator(ROOT / "hw_configs" / "bitfusion_16x16.yaml")
    works = topology_work(parse_topology(TOPOLOGY), w_terms=2, a_terms=3, w_bits=4, a_bits=4)
    runs = simulate_network_work(hw, works)
    return build_report(runs, hw, {"command": "test", "source": {"name": "layers"}})


def test_schema_is_versioned_and_every_section_is_there(document):
    assert document["schema"] == SCHEMA == "fpxint_sim.report/1"
    assert set(document) >= {"run", "units", "totals", "schedule", "layers", "terms"}
    layer = document["layers"][0]
    assert {"gemm", "pairs", "order", "latency_us", "energy_pj", "utilization", "schedule",
            "per_job", "epilogue_ops", "overflow_events"} <= set(layer)
    assert len(layer["per_job"]) == len(layer["pairs"]) == 6
    # split_array only where two or more independent jobs exist to run side by side
    assert {"naive", "weight_stationary", "activation_shared"} <= set(layer["schedule"])
    assert set(layer["schedule"]) <= {"naive", "weight_stationary", "activation_shared",
                                      "split_array"}
    json.dumps(document, allow_nan=False)  # plain JSON, no NaN


def test_totals_are_the_sum_of_the_layers(document):
    layers, totals = document["layers"], document["totals"]
    for key in INT_COUNTERS:
        assert totals[key] == sum(ly[key] for ly in layers), key
    for comp, pj in totals["energy_pj"].items():
        assert pj == pytest.approx(sum(ly["energy_pj"][comp] for ly in layers), rel=1e-12)
    for kind in EPILOGUE_KINDS:
        assert totals["epilogue_ops"][kind] == sum(ly["epilogue_ops"][kind] for ly in layers)
    assert totals["vector_ops"] == sum(totals["epilogue_ops"].values())
    assert totals["latency_us"] == pytest.approx(totals["cycles"] / 500)  # bitfusion: 500 MHz


def test_layer_cost_is_its_chosen_order_and_naive_is_the_sum_of_its_jobs(document):
    for ly in document["layers"]:
        assert ly["cycles"] == ly["schedule"][ly["order"]]["cycles"]
        naive = ly["schedule"]["naive"]
        # + the layer's epilogue: its fp32 output written once (and its write-back stall)
        out_bytes = ly["gemm"]["m"] * ly["gemm"]["n"] * 4 * ly["groups"]
        assert naive["dram_bytes"] == sum(j["dram_read_bytes"] + j["dram_write_bytes"]
                                          for j in ly["per_job"]) + out_bytes
        bw = load_accelerator(ROOT / "hw_configs" / "bitfusion_16x16.yaml").dram \
            .dram_bw_bytes_per_cycle
        write_back = 0 if bw is None else -(-out_bytes // ly["groups"] // bw) * ly["groups"]
        assert naive["cycles"] == sum(j["cycles"] for j in ly["per_job"]) + write_back
        # the chosen order is the declared minimum: DRAM bytes, then cycles, then rank
        key = {o: (r["dram_bytes"], r["cycles"], ORDERS.index(o))
               for o, r in ly["schedule"].items()}
        assert ly["order"] == min(key, key=key.get)
    s = document["schedule"]
    assert s["dram_bytes_saved"] == s["naive"]["dram_bytes"] - s["chosen"]["dram_bytes"]
    assert s["chosen"]["dram_bytes"] == sum(ly["schedule"][ly["order"]]["dram_bytes"]
                                            for ly in document["layers"])


def test_layers_csv_has_one_row_per_layer_with_the_json_numbers(document):
    text = render_report_files(document, plots=False)["layers.csv"]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(COLUMNS)
    assert [r["name"] for r in rows] == [ly["name"] for ly in document["layers"]]
    for r, ly in zip(rows, document["layers"]):
        assert int(r["cycles"]) == ly["cycles"] and int(r["macs"]) == ly["macs"]
        assert float(r["energy_dram_pj"]) == ly["energy_pj"]["dram"]
        assert r["overflow_events"] == ""  # not measured on a topology


def test_html_is_self_contained_with_the_plots_embedded_as_png(document):
    page = render_report_files(document)["report.html"]
    images = re.findall(r"src='data:image/png;base64,([^']+)'", page)
    assert len(images) == 5
    assert all(base64.b64decode(b).startswith(b"\x89PNG") for b in images)
    assert "http://" not in page and "https://" not in page  # nothing fetched from outside
    assert document["layers"][0]["name"] in page
