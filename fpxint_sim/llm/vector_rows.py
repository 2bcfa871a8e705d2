"""The vector-unit ops of a decoder's generation, per phase, counted by the one op table.

Per decoder layer, for T tokens over a context of L keys (fpxint_sim/sim/vector_cost.py
OP_COUNTS gives the ops per element; activations are 16-bit, gemm_cost.ACTIVATION_BITS):

    input_norm, post_attn_norm  RMSNorm (swiglu decoders, Llama) or LayerNorm (gelu, GPT-2) of
                                T x d_model, reading its weight (and bias) too
    rope_q, rope_k              swiglu decoders only: RoPE on T x heads x head_dim and
                                T x kv_heads x head_dim, reading a cos and a sin row per token
    softmax                     per KV head: the (group x T) x L scores (as the QK^T GEMM: the
                                causal mask is not exploited in prefill)
    mlp_act, mlp_gate_mul       swiglu: SiLU of the T x d_ff gate, then gate x up; gelu: GELU
    residual_add_1, _2          T x d_model + T x d_model
and per step the final norm of the one token the LM head reads (the last prompt token in
prefill, as the LM head). Identical ops are costed once and multiplied (the softmax once per
context length), as the GEMMs are.
"""

from __future__ import annotations

from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.llm.decoder import Decoder
from fpxint_sim.llm.gemm_cost import ACTIVATION_BITS, GemmCost
from fpxint_sim.sim.vector_cost import simulate_vector_op

VECTOR_PRECISION = "vector"  # GemmCost.precision of a vector row (no MACs, no roofline)


def _norm(d: Decoder) -> tuple[str, int]:
    """(op, parameter elements read) of the decoder's norm."""
    return ("rms_norm", d.d_model) if d.mlp == "swiglu" else ("layer_norm", 2 * d.d_model)


def layer_vector_ops(d: Decoder, tokens: int) -> list[tuple[str, str, int, int]]:
    """(name, op, elements in, elements out) of one layer's context-free vector ops."""
    t, dm = tokens, d.d_model
    norm, params = _norm(d)
    ops = [("input_norm", norm, t * dm + params, t * dm)]
    if d.mlp == "swiglu":
        q, k = t * d.heads * d.head_dim, t * d.kv_heads * d.head_dim
        ops += [("rope_q", "rope", q + 2 * t * d.head_dim, q),
                ("rope_k", "rope", k + 2 * t * d.head_dim, k)]
    ops += [("residual_add_1", "add", 2 * t * dm, t * dm),
            ("post_attn_norm", norm, t * dm + params, t * dm)]
    if d.mlp == "swiglu":
        ops += [("mlp_act", "silu", t * d.d_ff, t * d.d_ff),
                ("mlp_gate_mul", "mul", 2 * t * d.d_ff, t * d.d_ff)]
    else:
        ops += [("mlp_act", "gelu", t * d.d_ff, t * d.d_ff)]
    ops += [("residual_add_2", "add", 2 * t * dm, t * dm)]
    return ops


def _cost(hw: Accelerator, op: str, inp: int, out: int) -> GemmCost:
    r = simulate_vector_op(hw, op, inp, out, activation_bits=ACTIVATION_BITS)
    return GemmCost(r, 0, 0, r.dram_read_bytes + r.dram_write_bytes, VECTOR_PRECISION, 0)


def phase_vector_costs(hw: Accelerator, d: Decoder, tokens: int, contexts: range, steps: int
                       ) -> list[tuple[str, int, GemmCost]]:
    """(name, runs, total cost) of every vector op of a phase: `steps` steps of `tokens`
    tokens each, step s attending over contexts[s] keys."""
    rows = []
    runs = d.layers * steps
    for name, op, inp, out in layer_vector_ops(d, tokens):
        rows.append((name, runs, _cost(hw, op, inp, out).repeated(runs)))
    total = None
    for context in contexts:
        scores = d.group * tokens * context
        one = _cost(hw, "softmax", scores, scores)
        total = one if total is None else total + one
    if total is not None:
        rows.append(("softmax", d.layers * d.kv_heads * len(contexts),
                     total.repeated(d.layers * d.kv_heads)))
    norm, params = _norm(d)
    rows.append(("final_norm", steps,
                 _cost(hw, norm, d.d_model + params, d.d_model).repeated(steps)))
    return rows
