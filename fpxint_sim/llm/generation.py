"""Cost a generation: prefill of P prompt tokens, then D decode steps at M = 1, with a KV cache.

Per decoder layer (all layers share their shapes, so one is costed and multiplied):
    projections q, k, v, o; MLP gate, up, down (SwiGLU) or fc, proj (GELU)
    attention per key/value head h (GQA: the G = heads / kv_heads query heads sharing h run as
    one GEMM with M = G x tokens):  scores Q K^T  (M, head_dim, L)  and  P V  (M, L, head_dim)
then the LM head (d_model -> vocab) for the token that is produced, and the vector-unit ops
(norms, RoPE, softmax, SiLU and the gate multiply, residual adds, the final norm:
fpxint_sim/llm/vector_rows.py), run in sequence with the GEMMs.
Prefill: tokens = P, L = P (the causal mask is not exploited: full P x P scores), the LM head
for the last prompt token only; its output is the first token (time to first token).
Decode step s = 1..D: tokens = 1, L = P + s (the cache holds the prompt, the s - 1 tokens
before and the current one). Identical GEMMs are costed once and multiplied; the attention
GEMMs, one shape per context length, are costed once per length (D shapes, not D x layers).
The KV cache lives in DRAM (or in the description's kv_sram, kv_memory.py): K and V projections
write it, the attention GEMMs read it as their stationary operand at its stored width.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpxint_sim.errors import InputError
from fpxint_sim.hw.schema import Accelerator, KvSramSpec
from fpxint_sim.llm.decoder import Decoder
from fpxint_sim.llm.formats import StoredFormat
from fpxint_sim.llm.gemm_cost import Arithmetic, GemmCost, cost_gemm
from fpxint_sim.llm.kv_memory import kv_sram_of
from fpxint_sim.llm.vector_rows import phase_vector_costs
from fpxint_sim.sim.layer_shape import GemmShape
from fpxint_sim.sim.traffic import packed_bytes

MAX_NEW_TOKENS = 65536
PHASES = ("prefill", "decode")


@dataclass(frozen=True)
class GemmRow:
    """One GEMM of the decoder over a whole phase: its total cost and how many times it ran."""

    name: str
    phase: str
    runs: int  # executions in the phase (layers x steps x KV heads ...)
    cost: GemmCost


@dataclass(frozen=True)
class Generation:
    decoder: Decoder
    prompt_tokens: int
    new_tokens: int
    weights: StoredFormat
    kv: StoredFormat
    arith: Arithmetic
    rows: tuple[GemmRow, ...]
    kv_memory: str = "dram"

    def phase_rows(self, phase: str) -> list[GemmRow]:
        return [r for r in self.rows if r.phase == phase]

    def phase_total(self, phase: str) -> GemmCost:
        rows = self.phase_rows(phase)
        total = rows[0].cost
        for r in rows[1:]:
            total = total + r.cost
        return total

    @property
    def kv_cache_bytes(self) -> int:
        """The cache at the end of the run (kv_cache_bytes)."""
        return kv_cache_bytes(self.decoder, self.prompt_tokens + self.new_tokens, self.kv)


def kv_cache_bytes(d: Decoder, tokens: int, kv: StoredFormat) -> int:
    """K and V of every layer and KV head for `tokens` tokens, at the cache's width."""
    return packed_bytes(2 * d.layers * d.kv_heads * d.head_dim * tokens, kv.bits_per_element)


def layer_gemms(d: Decoder, tokens: int) -> list[tuple[str, GemmShape, bool]]:
    """(name, shape, writes the KV cache) of one layer's weight GEMMs for `tokens` tokens."""
    q_out, kv_out = d.heads * d.head_dim, d.kv_heads * d.head_dim
    rows = [("q_proj", GemmShape(tokens, d.d_model, q_out), False),
            ("k_proj", GemmShape(tokens, d.d_model, kv_out), True),
            ("v_proj", GemmShape(tokens, d.d_model, kv_out), True),
            ("o_proj", GemmShape(tokens, q_out, d.d_model), False)]
    if d.mlp == "swiglu":
        rows += [("mlp_gate", GemmShape(tokens, d.d_model, d.d_ff), False),
                 ("mlp_up", GemmShape(tokens, d.d_model, d.d_ff), False),
                 ("mlp_down", GemmShape(tokens, d.d_ff, d.d_model), False)]
    else:
        rows += [("mlp_fc", GemmShape(tokens, d.d_model, d.d_ff), False),
                 ("mlp_proj", GemmShape(tokens, d.d_ff, d.d_model), False)]
    return rows


def attention_shapes(d: Decoder, tokens: int, context: int) -> tuple[GemmShape, GemmShape]:
    """Scores Q K^T and output P V of one KV head for `tokens` queries over `context` keys."""
    m = d.group * tokens
    return GemmShape(m, d.head_dim, context), GemmShape(m, context, d.head_dim)


def check_bounds(d: Decoder, prompt: int, new: int) -> None:
    """Refuse a run before any work: at least one prompt token, prompt + new <= max_context."""
    if prompt < 1:
        raise InputError(f"--prompt {prompt}: needs at least one prompt token")
    if not 0 <= new <= MAX_NEW_TOKENS:
        raise InputError(f"--new {new}: must be in 0..{MAX_NEW_TOKENS}")
    if prompt + new > d.max_context:
        raise InputError(f"--prompt {prompt} + --new {new} = {prompt + new} tokens exceeds "
                         f"{d.name}'s max_context {d.max_context}")


def _phase(hw: Accelerator, d: Decoder, phase: str, tokens: int, contexts: range, steps: int,
           weights: StoredFormat, kv: StoredFormat, arith: Arithmetic,
           kv_sram: KvSramSpec | None) -> list[GemmRow]:
    rows = []
    for name, shape, writes_kv in layer_gemms(d, tokens):
        cost = cost_gemm(hw, name, shape, weights, arith, "weights", kv if writes_kv else None,
                         kv_sram=kv_sram)
        rows.append(GemmRow(name, phase, d.layers * steps, cost.repeated(d.layers * steps)))
    qk_total = av_total = None
    for context in contexts:
        qk_shape, av_shape = attention_shapes(d, tokens, context)
        qk = cost_gemm(hw, "attn_qk", qk_shape, kv, arith, "kv", kv_sram=kv_sram)
        av = cost_gemm(hw, "attn_av", av_shape, kv, arith, "kv", kv_sram=kv_sram)
        qk_total = qk if qk_total is None else qk_total + qk
        av_total = av if av_total is None else av_total + av
    if qk_total is not None:
        runs = d.layers * d.kv_heads
        rows.append(GemmRow("attn_qk", phase, runs * len(contexts), qk_total.repeated(runs)))
        rows.append(GemmRow("attn_av", phase, runs * len(contexts), av_total.repeated(runs)))
    head = cost_gemm(hw, "lm_head", GemmShape(1, d.d_model, d.vocab), weights, arith)
    rows.append(GemmRow("lm_head", phase, steps, head.repeated(steps)))
    rows += [GemmRow(name, phase, runs, cost)
             for name, runs, cost in phase_vector_costs(hw, d, tokens, contexts, steps)]
    return rows


def cost_generation(hw: Accelerator, d: Decoder, prompt: int, new: int, weights: StoredFormat,
                    kv: StoredFormat, arith: Arithmetic, kv_memory: str = "dram") -> Generation:
    """Every GEMM of the prefill and of the D decode steps, costed (see module doc);
    kv_memory 'dram' or 'sram' (kv_memory.py)."""
    check_bounds(d, prompt, new)
    kv_sram = kv_sram_of(hw, kv_memory, kv_cache_bytes(d, prompt + new, kv))
    rows = _phase(hw, d, "prefill", prompt, range(prompt, prompt + 1), 1, weights, kv, arith,
                  kv_sram)
    if new:
        rows += _phase(hw, d, "decode", 1, range(prompt + 1, prompt + new + 1), new, weights,
                       kv, arith, kv_sram)
    return Generation(d, prompt, new, weights, kv, arith, tuple(rows), kv_memory)
