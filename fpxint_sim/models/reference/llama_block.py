"""A Llama-style decoder block, small enough to run real values here, seeded random weights.

Config: d_model 256, 4 query heads and 2 key/value heads (grouped-query attention, head dim
64), SwiGLU MLP 256 -> 768 -> 256 (Llama's 8/3 d rounded up to a multiple of 256), RMSNorm
(eps 1e-6) before attention and before the MLP, rotary position embeddings (theta 10000,
rotate-half form) on Q and K, causal mask, no biases: the layer shapes of Hugging Face's
LlamaDecoderLayer with that config (786,944 parameters). Input: hidden states (1, 64, 256).
"""

from __future__ import annotations

import torch
from torch import nn

from fpxint_sim.models.reference.attention import attention, merge_heads, split_heads
from fpxint_sim.models.reference.random_init import build_seeded

D_MODEL, HEADS, KV_HEADS, FFN, SEQ, THETA, EPS = 256, 4, 2, 768, 64, 10000.0, 1e-6
HEAD_DIM = D_MODEL // HEADS
PARAMETERS = 786_944
DESCRIPTION = (f"Llama-style decoder block (d_model {D_MODEL}, {HEADS} heads, {KV_HEADS} KV "
               f"heads, SwiGLU {FFN}, RMSNorm, RoPE, causal; 0.79 M params)")
INPUT = f"1x{SEQ}x{D_MODEL}"


class RMSNorm(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS))


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rope(x: torch.Tensor, start: int = 0) -> torch.Tensor:
    """Rotary position embedding of (B, H, T, D) at positions start..start+T-1 (a decode step
    with a KV cache starts past the cached tokens)."""
    t, d = x.shape[-2], x.shape[-1]
    inv_freq = 1.0 / THETA ** (torch.arange(0, d, 2, dtype=torch.float32) / d)
    angles = torch.outer(torch.arange(start, start + t, dtype=torch.float32), inv_freq)
    angles = torch.cat((angles, angles), dim=-1)
    return x * angles.cos() + _rotate_half(x) * angles.sin()


class LlamaBlock(nn.Module):
    """Input (B, T, 256) hidden states; output (B, T, 256)."""

    def __init__(self):
        super().__init__()
        self.input_layernorm = RMSNorm(D_MODEL)
        self.q_proj = nn.Linear(D_MODEL, HEADS * HEAD_DIM, bias=False)
        self.k_proj = nn.Linear(D_MODEL, KV_HEADS * HEAD_DIM, bias=False)
        self.v_proj = nn.Linear(D_MODEL, KV_HEADS * HEAD_DIM, bias=False)
        self.o_proj = nn.Linear(HEADS * HEAD_DIM, D_MODEL, bias=False)
        self.post_attention_layernorm = RMSNorm(D_MODEL)
        self.gate_proj = nn.Linear(D_MODEL, FFN, bias=False)
        self.up_proj = nn.Linear(D_MODEL, FFN, bias=False)
        self.down_proj = nn.Linear(FFN, D_MODEL, bias=False)
        self.act = nn.SiLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.input_layernorm(x)
        q = rope(split_heads(self.q_proj(h), HEADS))
        k = rope(split_heads(self.k_proj(h), KV_HEADS)).repeat_interleave(HEADS // KV_HEADS, 1)
        v = split_heads(self.v_proj(h), KV_HEADS).repeat_interleave(HEADS // KV_HEADS, 1)
        t = x.shape[1]
        mask = torch.full((t, t), float("-inf")).triu(1)
        x = x + self.o_proj(merge_heads(attention(q, k, v, mask)))
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(self.act(self.gate_proj(h)) * self.up_proj(h))


def build(seed: int = 0) -> LlamaBlock:
    return build_seeded(LlamaBlock, seed, linear_std=0.02)


def example_inputs(g: torch.Generator) -> tuple[torch.Tensor, ...]:
    return (torch.randn(1, SEQ, D_MODEL, generator=g),)
