"""report.json's document, layers.csv and report.html agree, and the totals add up."""

import csv
import io
import json
from pathlib import Path

import pytest

from fpxint_sim.hw import load_accelerator
from fpxint_sim.report import SCHEMA, build_report, render_report_files
from fpxint_sim.report.document import hw_entry
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
    path = ROOT / "hw_configs" / "bitfusion_16x16.yaml"
    hw = load_accelerator(path)
    works = topology_work(parse_topology(TOPOLOGY), w_terms=2, a_terms=3, w_bits=4, a_bits=4)
    runs = simulate_network_work(hw, works)
    return build_report(runs, hw, {"command": "test", "source": {"name": "layers"},
                                   "hw": hw_entry(hw, str(path))})


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


def test_area_and_technology_sections_have_the_shape_the_html_reads(document):
    from fpxint_sim.hw.area import AREA_COMPONENTS

    area, tech = document["area"], document["technology"]
    assert set(area) == {"total_mm2", "breakdown_mm2"}
    assert tuple(area["breakdown_mm2"]) == AREA_COMPONENTS
    assert area["total_mm2"] == pytest.approx(sum(area["breakdown_mm2"].values()))
    assert all(v > 0 for v in area["breakdown_mm2"].values())
    assert tech["node_nm"] == 45 and tech["dram_type"] == "DDR4"
    keys = [f["key"] for f in tech["figures"]]
    assert "arithmetic.mac_energy_pj.int4" in keys and "static_power_mw" in keys
    for f in tech["figures"]:
        assert set(f) == {"key", "value", "unit", "source"}
        assert isinstance(f["value"], float) and f["unit"] and f["source"]
    # the energy the job costs used exactly the figures reported
    mac4 = next(f["value"] for f in tech["figures"] if f["key"] == "arithmetic.mac_energy_pj.int4")
    assert document["totals"]["energy_pj"]["mac"] == pytest.approx(
        document["totals"]["macs"] * mac4)
    json.dumps(document)  # plain JSON
    assert "technology_figures" not in document["run"].get("hw", {})


def test_a_description_built_in_code_reports_its_schema_default_figures():
    from fpxint_sim.hw.schema import Accelerator, ArraySpec

    hw = Accelerator(name="code", array=ArraySpec(4, 4))
    works = topology_work(parse_topology(TOPOLOGY), w_terms=1, a_terms=1, w_bits=8, a_bits=8)
    doc = build_report(simulate_network_work(hw, works), hw, {"command": "t", "source": {}})
    sources = {f["source"] for f in doc["technology"]["figures"]}
    assert len(sources) == 1 and "schema default" in sources.pop()
    assert doc["area"]["total_mm2"] > 0
