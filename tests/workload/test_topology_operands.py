"""A topology run charges each job by the operand rule, from the run's stated term types.

Hand example: one conv, 6x6x8 input, 16 3x3 filters, stride 1 -> one job is M = 16 output
pixels x K = 72 x N = 16 filters, 256 outputs; 2 weight x 3 activation 4-bit terms, the first
activation term unsigned with a zero point (one-signed input), the others signed.
"""

import dataclasses
from pathlib import Path

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.hw import load_accelerator
from fpxint_sim.report.document import build_report
from fpxint_sim.sim import parse_topology, simulate_network_work
from fpxint_sim.workload import topology_work

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGY = """name, ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters, stride,
c, 6, 6, 3, 3, 8, 16, 1,
"""
OUTPUTS, MACS = 16 * 16, 16 * 72 * 16


def _jobs(hw) -> tuple[dict, dict]:
    works = topology_work(parse_topology(TOPOLOGY), w_terms=2, a_terms=3, w_bits=4, a_bits=4)
    doc = build_report(simulate_network_work(hw, works), hw, {"command": "t", "source": {}})
    (layer,) = doc["layers"]
    return {(j["i"], j["j"]): j for j in layer["per_job"]}, doc


def _with_activation_types(path: str, types: tuple[str, ...]):
    hw = load_accelerator(ROOT / "hw_configs" / path)
    return dataclasses.replace(hw, arithmetic=dataclasses.replace(hw.arithmetic,
                                                                  activation_types=types))


def test_x86_feeds_signed_terms_offset_and_corrects_every_job():
    jobs, doc = _jobs(load_accelerator(ROOT / "hw_configs" / "x86_fbgemm.yaml"))
    for (_i, j), job in jobs.items():
        assert (job["weight_operand"], job["weight_offset"]) == ("int8", 0)
        assert (job["activation_operand"], job["activation_offset"]) == \
            ("uint8", 0 if j == 1 else 8)
        assert job["precision"] == "int8" and job["macs_per_pe_per_cycle"] == 4
        assert job["macs"] == MACS
        assert job["zero_point_correction"] and job["zero_point_correction_ops"] == OUTPUTS
    assert doc["totals"]["epilogue_ops"]["zero_point_correction"] == 6 * OUTPUTS


def test_an_unsigned_term_without_a_uint4_type_runs_zero_extended_in_int8():
    jobs, doc = _jobs(_with_activation_types("bitfusion_16x16.yaml", ("int4", "int8")))
    for (_i, j), job in jobs.items():
        first = j == 1
        assert job["activation_operand"] == ("int8" if first else "int4")
        assert job["precision"] == ("int8" if first else "int4")
        assert job["macs_per_pe_per_cycle"] == (1 if first else 4)
        assert job["zero_point_correction_ops"] == (OUTPUTS if first else 0)
    # traffic by operand width: the 6x6x8 ifmap crosses DRAM once, 8 bits vs 4 bits
    assert jobs[(1, 1)]["ifmap_dram_read_bytes"] == 288
    assert jobs[(1, 2)]["ifmap_dram_read_bytes"] == 144
    assert jobs[(1, 1)]["compute_cycles"] > jobs[(1, 2)]["compute_cycles"]
    assert doc["totals"]["epilogue_ops"]["zero_point_correction"] == 2 * OUTPUTS


def test_a_term_no_activation_type_holds_is_refused_naming_the_layer():
    hw = _with_activation_types("edge_int4_os_8x8.yaml", ("int4",))  # no uint4, no offset target
    with pytest.raises(InputError, match="layer c: activation terms are uint4, which no "
                                         "activation type"):
        _jobs(hw)
