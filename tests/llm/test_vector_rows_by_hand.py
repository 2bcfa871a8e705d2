"""One decode step's vector-unit ops of a tiny decoder, derived by hand from the op table."""

from llm_hw_fixtures import TOY, tiny_hw

from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.gemm_cost import Arithmetic
from fpxint_sim.llm.generation import cost_generation

VECTOR = ("input_norm", "rope_q", "rope_k", "residual_add_1", "post_attn_norm", "mlp_act",
          "mlp_gate_mul", "residual_add_2", "softmax", "final_norm")


def test_one_decode_step_vector_ops_cycles_and_energy_by_hand():
    # Decode step after a 5-token prompt: 1 token, context L = 6; head_dim 8, group 2; 16 lanes,
    # 1.5 pJ/op, every tensor fits in half the 64 KiB ofmap buffer (no DRAM). Per layer:
    #   RMSNorm x2        3 ops x 32        = 96 each  (6 cycles each)
    #   RoPE q, k         2 x 4*8, 2 x 2*8  = 64, 32   (4, 2 cycles)
    #   residual adds x2  1 x 32            = 32 each  (2 cycles each)
    #   SiLU, gate mul    2 x 48, 1 x 48    = 96, 48   (6, 3 cycles)
    #   softmax per KV head: 5 x (2 x 1 x 6) = 60 (4 cycles), 2 KV heads
    # = 616 ops, 39 cycles per layer; x 3 layers + the final norm (96 ops, 6 cycles).
    hw = tiny_hw(bw=None)
    g = cost_generation(hw, TOY, 5, 1, parse_format("int4", "w"), parse_format("fp16", "kv"),
                        Arithmetic("w4a16"))
    rows = {r.name: r for r in g.phase_rows("decode") if r.name in VECTOR}
    assert set(rows) == set(VECTOR)
    ops = {n: r.cost.result.vector_ops for n, r in rows.items()}
    assert ops == {"input_norm": 3 * 96, "rope_q": 3 * 64, "rope_k": 3 * 32,
                   "residual_add_1": 3 * 32, "post_attn_norm": 3 * 96, "mlp_act": 3 * 96,
                   "mlp_gate_mul": 3 * 48, "residual_add_2": 3 * 32, "softmax": 3 * 2 * 60,
                   "final_norm": 96}
    vec = sum((r.cost.result for r in rows.values()), start=rows["softmax"].cost.result
              .repeated(0))
    assert vec.vector_ops == 3 * 616 + 96 == 1944
    assert vec.cycles == 3 * 39 + 6 == 123
    assert vec.energy_pj["vector"] == 1944 * 1.5
    assert vec.dram_read_bytes == vec.dram_write_bytes == 0
    # the phase totals include them, on top of the GEMMs (whose epilogues no longer hold it)
    gemms = [r for r in g.phase_rows("decode") if r.name not in VECTOR]
    total = g.phase_total("decode").result
    assert total.cycles == sum(r.cost.result.cycles for r in gemms) + 123
    assert total.vector_ops == sum(r.cost.result.vector_ops for r in gemms) + 1944
    qk = next(r for r in gemms if r.name == "attn_qk").cost.result
    assert qk.vector_ops == 0  # an fp16 x fp16 GEMM: no epilogue, the softmax is its own row
