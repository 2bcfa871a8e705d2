"""A BERT-base-shaped encoder (Hugging Face BertModel with pooler: 109,482,240 parameters),
seeded random weights.

Embeddings (30,522-token vocabulary, 512 positions, 2 token types, LayerNorm), 12 post-norm
layers (768 wide, 12 heads, FFN 3072 with erf GELU, LayerNorm eps 1e-12), and the pooler
(dense + tanh on the first token). Input: token ids (N, T); output: the last hidden state
(N, T, 768) and the pooled output (N, 768). No padding mask: every token attends to all.
"""

from __future__ import annotations

import torch
from torch import nn

from fpxint_sim.models.reference.attention import attention, merge_heads, split_heads
from fpxint_sim.models.reference.random_init import build_seeded

PARAMETERS = 109_482_240
DESCRIPTION = "BERT-base-shaped encoder (HF BertModel shapes with pooler, 109.5 M params)"
INPUT = "ids:1x128"
VOCAB, POSITIONS, TYPES, HIDDEN, LAYERS, HEADS, FFN, EPS = 30522, 512, 2, 768, 12, 12, 3072, 1e-12


class Embeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB, HIDDEN)
        self.position_embeddings = nn.Embedding(POSITIONS, HIDDEN)
        self.token_type_embeddings = nn.Embedding(TYPES, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=EPS)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        if ids.shape[1] > POSITIONS:
            raise ValueError(f"bert_base takes at most {POSITIONS} tokens, got {ids.shape[1]}")
        positions = torch.arange(ids.shape[1])
        x = self.word_embeddings(ids) + self.position_embeddings(positions)
        return self.LayerNorm(x + self.token_type_embeddings(torch.zeros_like(ids)))


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.attention_output = nn.Linear(HIDDEN, HIDDEN)
        self.attention_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.intermediate = nn.Linear(HIDDEN, FFN)
        self.act = nn.GELU()
        self.output = nn.Linear(FFN, HIDDEN)
        self.output_norm = nn.LayerNorm(HIDDEN, eps=EPS)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = attention(split_heads(self.query(x), HEADS), split_heads(self.key(x), HEADS),
                      split_heads(self.value(x), HEADS))
        x = self.attention_norm(x + self.attention_output(merge_heads(a)))
        return self.output_norm(x + self.output(self.act(self.intermediate(x))))


class BertEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings = Embeddings()
        self.layers = nn.Sequential(*[Layer() for _ in range(LAYERS)])
        self.pooler = nn.Linear(HIDDEN, HIDDEN)
        self.pooler_act = nn.Tanh()

    def forward(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.layers(self.embeddings(ids))
        return hidden, self.pooler_act(self.pooler(hidden[:, 0]))


def build(seed: int = 0) -> BertEncoder:
    return build_seeded(BertEncoder, seed, linear_std=0.02)


def example_inputs(g: torch.Generator) -> tuple[torch.Tensor, ...]:
    return (torch.randint(0, VOCAB, (1, 128), generator=g),)
