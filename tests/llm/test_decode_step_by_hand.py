"""One decode step (M = 1) of one GEMM layer: DRAM bytes and stall cycles derived by hand.

Shape M=1, K=8, N=8 on a 4x4 weight-stationary array, 64 KiB buffers, 2 DRAM bytes/cycle.
Mapping (ws: K on rows, N on columns, M in time): 2 x 2 = 4 folds of
4 (preload) + 1 + 4 + 4 - 2 = 11 cycles; compute = 4 * 11 - 1 = 43 cycles.
"""

from llm_hw_fixtures import tiny_hw

from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.gemm_cost import Arithmetic, cost_gemm
from fpxint_sim.sim.layer_shape import GemmShape

SHAPE = GemmShape(1, 8, 8)


def test_int4xfp16_one_term_decode_step_bytes_and_stalls():
    # DRAM reads: fp16 activation 8 x 2 B = 16 B (fits: read once) + INT4 weights 64 / 2 = 32 B.
    # Job stalls: prologue ceil(48 / 4 folds / 2 B) = 6; per fold 12 B / 2 = 6 cycles < 11: no
    # steady stall; the job's accumulators stay on chip (no epilogue). Epilogue of the layer:
    # 8 fp16 outputs = 16 B written at 2 B/cycle = 8 stall cycles. Vector: 8 ops / 16 = 1 cycle.
    c = cost_gemm(tiny_hw(), "q", SHAPE, parse_format("int4", "w"), Arithmetic("w4a16"))
    r = c.result
    assert (r.dram_read_bytes, r.dram_write_bytes) == (48, 16)
    assert (c.weight_bytes, c.kv_bytes, c.activation_bytes) == (32, 0, 32)
    assert r.compute_cycles == 43
    assert r.stall_cycles == 6 + 8
    assert r.cycles == 43 + 6 + 8
    assert r.macs == 64 and r.vector_ops == 8


def test_dequant_two_terms_decode_step_bytes_and_stalls():
    # One FP16 job whose filter holds 2 INT4 terms = 8 bits/weight: 64 B; activations 16 B.
    # Prologue ceil(80 / 4 / 2) = 10; per fold 20 B / 2 = 10 cycles < 11: no steady stall.
    # Dequant: 2 terms x 64 weights read once = 128 vector ops = 8 cycles (under the array).
    # Layer epilogue: 16 B of fp16 outputs = 8 stall cycles.
    c = cost_gemm(tiny_hw("dequant_fp16"), "q", SHAPE, parse_format("int4x2", "w"),
                  Arithmetic("w4a16"))
    r = c.result
    assert (r.dram_read_bytes, r.dram_write_bytes) == (80, 16)
    assert c.weight_bytes == 64
    assert r.stall_cycles == 10 + 8
    assert r.cycles == 43 + 10 + 8
    assert r.vector_ops == 128 and r.macs == 64


def test_kv_projection_writes_the_cache_at_its_width():
    # Output is a KV-cache entry in int8: 8 B (not 16 B of fp16) counted as KV traffic.
    c = cost_gemm(tiny_hw(), "k", SHAPE, parse_format("int4", "w"), Arithmetic("w4a16"),
                  output=parse_format("int8", "kv"))
    assert c.result.dram_write_bytes == 8
    assert (c.weight_bytes, c.kv_bytes, c.activation_bytes) == (32, 8, 16)
    assert c.result.stall_cycles == 6 + 4
