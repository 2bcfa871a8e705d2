"""W4A16 (INT4 x FP16 units, or dequantization + FP16 MACs) and W4A4: rates, energy, traffic."""

import pytest
from llm_hw_fixtures import tiny_hw

from fpxint_sim.errors import InputError
from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.gemm_cost import Arithmetic, cost_gemm
from fpxint_sim.sim.epilogue_ops import epilogue_ops_per_pair
from fpxint_sim.sim.layer_shape import GemmShape

SHAPE = GemmShape(1, 64, 32)
W4A16 = Arithmetic("w4a16")


def test_int4xfp16_rate_packs_k_into_the_pe():
    one = cost_gemm(tiny_hw(bw=None), "x", SHAPE, parse_format("int4", "w"), W4A16).result
    two = cost_gemm(tiny_hw(int4xfp16_rate=2, bw=None), "x", SHAPE, parse_format("int4", "w"),
                    W4A16).result
    # ws: K on the rows in steps of the rate: 16 row folds at 1 MAC/PE/cycle, 8 at 2.
    assert one.folds == 16 * 8 and two.folds == 8 * 8
    assert one.compute_cycles == 128 * (4 + 1 + 4 + 4 - 2) - 1
    assert two.compute_cycles == 64 * (4 + 1 + 4 + 4 - 2) - 1


def test_int4xfp16_runs_one_job_per_term_and_charges_its_mac_energy():
    c = cost_gemm(tiny_hw(bw=None), "x", SHAPE, parse_format("int4x3", "w"), W4A16)
    macs = 64 * 32
    assert c.result.macs == 3 * macs
    assert c.result.energy_pj["mac"] == pytest.approx(3 * macs * 0.7, rel=1e-12)
    assert c.result.vector_ops == 3 * 32  # y += s_i * acc_i per output per term
    assert c.weight_bytes == 3 * 64 * 32 // 2
    assert c.precision == "int4xfp16" and c.peak_macs_per_cycle == 16


def test_dequant_runs_one_fp16_job_whatever_the_terms():
    c = cost_gemm(tiny_hw("dequant_fp16", bw=None), "x", SHAPE, parse_format("int4x3", "w"),
                  W4A16)
    assert c.result.macs == 64 * 32
    assert c.result.energy_pj["mac"] == pytest.approx(64 * 32 * 1.1, rel=1e-12)
    assert c.result.vector_ops == 3 * 64 * 32
    assert c.result.energy_pj["vector"] == pytest.approx(3 * 64 * 32 * 1.5, rel=1e-12)
    assert c.weight_bytes == 3 * 64 * 32 // 2  # 12 bits per weight in DRAM
    assert c.precision == "fp16"


def test_int8_operand_is_dequantized_even_with_int4xfp16_units():
    c = cost_gemm(tiny_hw(bw=None), "x", SHAPE, parse_format("int8", "kv"), W4A16, "kv")
    assert c.precision == "fp16" and c.result.vector_ops == 64 * 32
    assert c.kv_bytes == 64 * 32 and c.weight_bytes == 0


def test_w4a4_uses_the_integer_path_and_its_epilogue_rule():
    c = cost_gemm(tiny_hw(bw=None), "x", SHAPE, parse_format("int4x2", "w"),
                  Arithmetic("w4a4", a_terms=3))
    pairs = [(i, j) for i in (1, 2) for j in (1, 2, 3)]
    assert c.result.macs == 6 * 64 * 32
    assert c.result.energy_pj["mac"] == pytest.approx(6 * 64 * 32 * 0.1, rel=1e-12)
    expected_ops = sum(sum(row.values()) for row in epilogue_ops_per_pair(
        pairs, 32, 64, has_bias=False).values())
    assert c.result.vector_ops == expected_ops
    assert c.precision == "int4"


def test_w4a4_refuses_a_float_operand():
    with pytest.raises(InputError, match="W4A4 runs on the integer MACs"):
        cost_gemm(tiny_hw(), "attn", SHAPE, parse_format("fp16", "kv"), Arithmetic("w4a4"))


def test_w4a16_needs_the_section():
    with pytest.raises(InputError, match="no w4a16 section"):
        cost_gemm(tiny_hw(w4a16=False), "q", SHAPE, parse_format("int4", "w"), W4A16)


@pytest.mark.parametrize("bad", ["int4x0", "int4x7", "fp8", "int3", ""])
def test_bad_formats_refused(bad):
    with pytest.raises(InputError, match="--kv"):
        parse_format(bad, "--kv")
