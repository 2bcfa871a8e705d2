"""The number bounds of a description are enough: the most extreme accepted values (clock and
sizes at the smallest positive bound, energies and power at the largest) still give a report
whose every number is finite, strict JSON."""

import json

import yaml

from fpxint_sim.cli.main import main
from fpxint_sim.hw.load import hw_config_dir
from fpxint_sim.hw.validate import MAX_MAGNITUDE, MIN_POSITIVE

TOPOLOGY = hw_config_dir().parent / "tests" / "sim" / "resnet18_scalesim.csv"


def _reject_constant(name):
    raise ValueError(f"non-JSON number {name}")


def test_extreme_accepted_values_give_a_finite_strict_json_report(tmp_path, capsys):
    doc = yaml.safe_load((hw_config_dir() / "tpu_like_int8_ws_32x32.yaml").read_text())
    doc["clock_mhz"] = MIN_POSITIVE
    doc["static_power_mw"] = MAX_MAGNITUDE
    for key in ("ifmap_sram_kib", "filter_sram_kib", "ofmap_sram_kib"):
        doc["sram"][key] = MIN_POSITIVE
    for access in ("read", "write"):  # given: the technology table would fill them otherwise
        doc["sram"][f"sram_{access}_energy_pj_per_byte"] = MAX_MAGNITUDE
    doc["dram"].update(dram_bw_bytes_per_cycle=MIN_POSITIVE,
                       dram_read_energy_pj_per_byte=MAX_MAGNITUDE,
                       dram_write_energy_pj_per_byte=MAX_MAGNITUDE)
    doc["arithmetic"]["mac_energy_pj"] = {k: MAX_MAGNITUDE
                                          for k in doc["arithmetic"]["macs_per_pe_per_cycle"]}
    doc["vector_unit"]["vector_energy_pj_per_op"] = MAX_MAGNITUDE
    hw = tmp_path / "extreme.yaml"
    hw.write_text(yaml.safe_dump(doc))
    out = tmp_path / "rep"
    assert main(["run", "--topology", str(TOPOLOGY), "--hw", str(hw), "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text(), parse_constant=_reject_constant)
    assert report["totals"]["latency_us"] > 1e18  # extreme indeed, and finite
