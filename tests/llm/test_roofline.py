"""Memory- or compute-bound by the ridge point of the GEMM's MAC kind."""

from llm_hw_fixtures import tiny_hw

from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.gemm_cost import Arithmetic, cost_gemm
from fpxint_sim.llm.roofline import roofline_point
from fpxint_sim.sim.layer_shape import GemmShape


def _point(shape, bw):
    c = cost_gemm(tiny_hw(bw=bw), "x", shape, parse_format("int4", "w"), Arithmetic("w4a16"))
    return c, roofline_point(c, bw)


def test_decode_gemv_is_memory_bound_and_a_big_gemm_compute_bound():
    c, p = _point(GemmShape(1, 64, 64), 2.0)
    traffic = c.result.dram_read_bytes + c.result.dram_write_bytes
    assert p["intensity_macs_per_byte"] == 64 * 64 / traffic
    assert p["ridge_macs_per_byte"] == 16 / 2.0  # 16 PEs x 1 INT4xFP16 MAC / 2 B per cycle
    assert p["bound"] == "memory"
    _, p = _point(GemmShape(256, 64, 64), 2.0)
    assert p["intensity_macs_per_byte"] > p["ridge_macs_per_byte"] and p["bound"] == "compute"


def test_unlimited_bandwidth_is_compute_bound():
    _, p = _point(GemmShape(1, 64, 64), None)
    assert p["ridge_macs_per_byte"] is None and p["bound"] == "compute"
    assert p["stall_fraction"] == 0.0
