"""ViT-Ti/16 (timm's vit_tiny_patch16_224: 5,717,416 parameters), seeded random weights.

Patch embedding (16x16 stride-16 conv to 192 channels), a class token and learned position
embeddings for 197 tokens, 12 pre-norm blocks (LayerNorm eps 1e-6, 3 heads, fused qkv Linear
with bias, MLP 192 -> 768 -> 192 with GELU), a final LayerNorm and a 1000-class head on the
class token.
"""

from __future__ import annotations

import torch
from torch import nn

from fpxint_sim.models.reference.attention import attention, merge_heads, split_heads
from fpxint_sim.models.reference.random_init import build_seeded

PARAMETERS = 5_717_416
DESCRIPTION = "ViT-Ti/16 (timm vit_tiny_patch16_224 shapes, 5.7 M params)"
INPUT = "1x3x224x224"
DIM, DEPTH, HEADS, MLP, PATCH, IMAGE = 192, 12, 3, 768, 16, 224


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(DIM, eps=1e-6)
        self.qkv = nn.Linear(DIM, 3 * DIM)
        self.proj = nn.Linear(DIM, DIM)
        self.norm2 = nn.LayerNorm(DIM, eps=1e-6)
        self.fc1 = nn.Linear(DIM, MLP)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(MLP, DIM)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(self.norm1(x)).chunk(3, dim=-1)
        a = attention(split_heads(q, HEADS), split_heads(k, HEADS), split_heads(v, HEADS))
        x = x + self.proj(merge_heads(a))
        return x + self.fc2(self.act(self.fc1(self.norm2(x))))


class VisionTransformer(nn.Module):
    """Input (N, 3, 224, 224) images; output (N, 1000) logits."""

    def __init__(self, num_classes: int = 1000):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, DIM, PATCH, PATCH)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, DIM))
        self.pos_embed = nn.Parameter(torch.zeros(1, (IMAGE // PATCH) ** 2 + 1, DIM))
        self.blocks = nn.Sequential(*[Block() for _ in range(DEPTH)])
        self.norm = nn.LayerNorm(DIM, eps=1e-6)
        self.head = nn.Linear(DIM, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(x).flatten(2).transpose(1, 2)  # (N, 196, DIM)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
        if x.shape[1] != self.pos_embed.shape[1]:
            raise ValueError(f"vit_ti_16 takes {IMAGE}x{IMAGE} images "
                             f"({self.pos_embed.shape[1]} tokens), got {x.shape[1]} tokens")
        x = self.norm(self.blocks(x + self.pos_embed))
        return self.head(x[:, 0])


def build(seed: int = 0) -> VisionTransformer:
    return build_seeded(VisionTransformer, seed, linear_std=0.02)


def example_inputs(g: torch.Generator) -> tuple[torch.Tensor, ...]:
    return (torch.randn(1, 3, IMAGE, IMAGE, generator=g),)
