"""tiny-llama: a small Llama-style causal LM with real values and SEEDED RANDOM WEIGHTS.

Token embedding (vocab 512), 2 decoder blocks of models/reference/llama_block.py (d_model 256,
4 query heads, 2 KV heads of 64, SwiGLU 768, RMSNorm, RoPE; its modules and functions reused),
final RMSNorm, LM head; max context 128. Weights: every parameter seeded random
(models/reference/random_init.py, Linear and embedding std 0.02): it generates tokens, not text.

forward(ids (B, T), start, cache) runs T new tokens at positions start..start+T-1 against the
KV cache (kv_cache_values.py: the new K, V rows are stored, then the whole cache is read) and
returns the LM-head logits of the LAST new token only (B, vocab), as the cost side counts the
LM head. The attention products Q K^T and P V are ActMatmul modules and every projection an
nn.Linear, so the expanders (W4A4 and W4A16) replace them; norms, RoPE, softmax, SiLU and the
embedding stay float32. Grouped-query attention runs the G = heads / kv_heads query heads of a
KV head as one product with G T rows, the GEMM shape the cost side counts (llm/generation.py).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from fpxint_sim.capture.act_matmul import ActMatmul
from fpxint_sim.llm.decoder import Decoder
from fpxint_sim.llm.value_models import TINY_LLAMA
from fpxint_sim.models.reference import llama_block as lb
from fpxint_sim.models.reference.attention import merge_heads, split_heads
from fpxint_sim.models.reference.random_init import RANDOM_WEIGHTS, build_seeded

LAYERS, VOCAB, MAX_CONTEXT = 2, 512, 128
GROUP = lb.HEADS // lb.KV_HEADS
WEIGHTS_LABEL = f"seeded {RANDOM_WEIGHTS}, not a trained model"
DECODER = Decoder(name=TINY_LLAMA, d_model=lb.D_MODEL, layers=LAYERS, heads=lb.HEADS,
                  kv_heads=lb.KV_HEADS, d_ff=lb.FFN, vocab=VOCAB, mlp="swiglu",
                  max_context=MAX_CONTEXT, head_dim=lb.HEAD_DIM,
                  source=f"fpxint_sim/llm/tiny_lm.py, {WEIGHTS_LABEL}")


def causal_mask(tokens: int, start: int, context: int) -> torch.Tensor:
    """(tokens, context): 0 where query start+i may see key j (j <= start + i), else -inf."""
    q_pos = torch.arange(start, start + tokens).reshape(-1, 1)
    k_pos = torch.arange(context).reshape(1, -1)
    return torch.zeros(tokens, context).masked_fill(k_pos > q_pos, float("-inf"))


class CachedBlock(lb.LlamaBlock):
    """LlamaBlock's layers, run on new tokens against the KV cache; QK^T and PV as modules."""

    def __init__(self):
        super().__init__()
        self.qk = ActMatmul()
        self.pv = ActMatmul()

    def attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
               start: int) -> torch.Tensor:
        """q (B, H, T, D); k, v (B, H_kv, L, D) -> (B, H, T, D); the G query heads of a KV
        head are one (G T, D) operand (query head h uses KV head h // G)."""
        b, _, t, d = q.shape
        qg = q.reshape(b, lb.KV_HEADS, GROUP * t, d)
        scores = self.qk(qg, k.transpose(-2, -1)) / math.sqrt(d)
        mask = causal_mask(t, start, k.shape[-2]).repeat(GROUP, 1)
        out = self.pv(torch.softmax(scores + mask, dim=-1), v)
        return out.reshape(b, lb.HEADS, t, d)

    def forward(self, x: torch.Tensor, start: int, cache, index: int) -> torch.Tensor:
        h = self.input_layernorm(x)
        q = lb.rope(split_heads(self.q_proj(h), lb.HEADS), start)
        k_new = lb.rope(split_heads(self.k_proj(h), lb.KV_HEADS), start)
        v_new = split_heads(self.v_proj(h), lb.KV_HEADS)
        k, v = cache.write_read(index, k_new, v_new)
        x = x + self.o_proj(merge_heads(self.attend(q, k, v, start)))
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(self.act(self.gate_proj(h)) * self.up_proj(h))


class TinyLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, lb.D_MODEL)
        self.layers = nn.ModuleList(CachedBlock() for _ in range(LAYERS))
        self.norm = lb.RMSNorm(lb.D_MODEL)
        self.lm_head = nn.Linear(lb.D_MODEL, VOCAB, bias=False)

    def forward(self, ids: torch.Tensor, start: int, cache) -> torch.Tensor:
        x = self.embed(ids)
        for i, block in enumerate(self.layers):
            x = block(x, start, cache, i)
        return self.lm_head(self.norm(x[:, -1]))


def build_tiny_lm(seed: int = 0) -> TinyLM:
    """tiny-llama with seeded random weights (the module doc)."""
    return build_seeded(TinyLM, seed, linear_std=0.02)
