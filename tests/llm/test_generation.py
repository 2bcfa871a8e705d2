"""The generation loop: phases add up the per-GEMM costs, the KV cache traffic follows the
context, identical GEMMs are costed once and multiplied, bad runs are refused."""

import pytest
from llm_hw_fixtures import TOY, tiny_hw

from fpxint_sim.errors import InputError
from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.gemm_cost import Arithmetic, cost_gemm
from fpxint_sim.llm.generation import attention_shapes, cost_generation, layer_gemms
from fpxint_sim.sim.layer_shape import GemmShape

W4A16 = Arithmetic("w4a16")


def _gen(kv="fp16", prompt=5, new=4, hw=None):
    return cost_generation(hw or tiny_hw(bw=None), TOY, prompt, new, parse_format("int4x2", "w"),
                           parse_format(kv, "kv"), W4A16)


def test_gqa_attention_shapes():
    qk, av = attention_shapes(TOY, 1, 9)  # 2 query heads per KV head, head_dim 8
    assert (qk.m, qk.k, qk.n) == (2, 8, 9) and (av.m, av.k, av.n) == (2, 9, 8)


@pytest.mark.parametrize("kv, bits", [("fp16", 16), ("int8", 8), ("int4x2", 8), ("int4", 4)])
def test_decode_kv_reads_follow_the_growing_context(kv, bits):
    # Buffers hold every slice: each step reads the whole cache once, K and V, every layer and
    # KV head: sum over L = P+1..P+D of 2 x layers x kv_heads x L x head_dim x bits / 8 (the
    # reads), plus the new K and V rows written by the projections at the cache's width.
    g = _gen(kv)
    reads = sum(2 * 3 * 2 * L * 8 * bits // 8 for L in range(6, 10))
    writes = 4 * 3 * 2 * (2 * 8) * bits // 8  # steps x layers x (k, v) x kv_heads*head_dim
    assert g.phase_total("decode").kv_bytes == reads + writes
    assert g.kv_cache_bytes == 2 * 3 * 2 * 8 * 9 * bits // 8


def test_decode_weight_bytes_are_every_weight_once_per_step():
    g = _gen()
    per_layer = sum(s.k * s.n for _, s, _ in layer_gemms(TOY, 1))
    weights = 4 * (3 * per_layer + 32 * 40)  # steps x (layers + LM head), 8 bits per weight
    assert g.phase_total("decode").weight_bytes == weights


def test_identical_gemms_are_costed_once_and_multiplied():
    g = _gen()
    one = cost_gemm(tiny_hw(bw=None), "q_proj", GemmShape(1, 32, 32), parse_format("int4x2", "w"),
                    W4A16)
    row = next(r for r in g.phase_rows("decode") if r.name == "q_proj")
    assert row.runs == 3 * 4
    assert row.cost.result == one.result.repeated(12)


def test_phase_totals_are_the_sum_of_their_rows():
    g = _gen(hw=tiny_hw(bw=3.0))
    for phase in ("prefill", "decode"):
        rows = g.phase_rows(phase)
        assert g.phase_total(phase).result == sum((r.cost.result for r in rows),
                                                  start=rows[0].cost.result.repeated(0))
    names = [r.name for r in g.phase_rows("decode")]
    assert names == ["q_proj", "k_proj", "v_proj", "o_proj", "mlp_gate", "mlp_up", "mlp_down",
                     "attn_qk", "attn_av", "lm_head", "input_norm", "rope_q", "rope_k",
                     "residual_add_1", "post_attn_norm", "mlp_act", "mlp_gate_mul",
                     "residual_add_2", "softmax", "final_norm"]


def test_more_weight_terms_cost_more_decode_bytes():
    small = _gen().phase_total("decode")
    big = cost_generation(tiny_hw(bw=None), TOY, 5, 4, parse_format("int4x3", "w"),
                          parse_format("fp16", "kv"), W4A16).phase_total("decode")
    assert big.weight_bytes * 2 == small.weight_bytes * 3


@pytest.mark.parametrize("prompt, new, match", [
    (0, 4, "--prompt 0"), (5, -1, "--new -1"), (60, 5, "exceeds toy's max_context 64")])
def test_bad_runs_refused(prompt, new, match):
    with pytest.raises(InputError, match=match):
        _gen(prompt=prompt, new=new)
