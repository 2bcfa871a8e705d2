"""Report documents for the page tests: real topology runs through the cost model."""

from __future__ import annotations

from pathlib import Path

from fpxint_sim.hw import load_accelerator
from fpxint_sim.report import build_report
from fpxint_sim.report.document import hw_entry
from fpxint_sim.sim import parse_topology, simulate_network_work
from fpxint_sim.workload import topology_work

ROOT = Path(__file__).resolve().parents[2]
HEADER = "name, ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters, stride,\n"
SMALL = HEADER + """conv1, 18, 18, 3, 3, 3, 16, 2,
convDP, 10, 10, 3, 3, 4, 4, 1,
pw, 8, 8, 1, 1, 16, 32, 1,
fc, 1, 1, 1, 1, 512, 10, 1,
"""


def many_layers(n: int) -> str:
    """A topology of n layers of varied sizes (a deep network for the plots)."""
    rows = [f"block{i}.conv, {6 + i % 5}, {6 + i % 5}, 3, 3, {8 + 4 * (i % 7)}, "
            f"{8 + 8 * (i % 3)}, 1," for i in range(n)]
    return HEADER + "\n".join(rows) + "\n"


def topology_document(topology: str = SMALL, hw_file: str = "bitfusion_16x16.yaml",
                      w_terms: int = 2, a_terms: int = 3) -> dict:
    path = ROOT / "hw_configs" / hw_file
    hw = load_accelerator(path)
    works = topology_work(parse_topology(topology), w_terms=w_terms, a_terms=a_terms,
                          w_bits=4 if "int8" not in hw_file else 8,
                          a_bits=4 if "int8" not in hw_file else 8)
    runs = simulate_network_work(hw, works)
    return build_report(runs, hw, {
        "command": f"fpxint-sim run --topology t.csv --hw {hw_file}",
        "source": {"kind": "topology", "name": "t.csv"}, "hw": hw_entry(hw, str(path)),
        "expansion": {"w_bits": 4, "label": f"{w_terms} x {a_terms} terms"},
        "versions": {"fpxint_sim": "test"}, "assumptions": ["a test run"]})


def with_area_and_technology(doc: dict) -> dict:
    """The optional keys another part of the tool adds: area and technology figures."""
    return {**doc,
            "area": {"total_mm2": 1.25, "breakdown_mm2": {"MAC array": 0.75, "SRAM": 0.5}},
            "technology": {"node_nm": 45, "dram_type": "LPDDR4", "figures": [
                {"key": "sram_read_energy_pj_per_byte", "value": 2.5, "unit": "pJ/byte",
                 "source": "Horowitz ISSCC 2014"}]}}
