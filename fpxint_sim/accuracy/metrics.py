"""Agreement metrics between a float model's outputs and an expanded model's."""

from __future__ import annotations

import math

import torch


def sqnr_db(ref: torch.Tensor, out: torch.Tensor) -> float:
    """10 log10(sum ref^2 / sum (ref - out)^2), in float64; inf when identical."""
    ref, out = ref.double(), out.double()
    noise = float(((ref - out) ** 2).sum())
    return math.inf if noise == 0 else 10.0 * math.log10(float((ref**2).sum()) / noise)


def cosine_rows(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    a, b = a.double(), b.double()
    return (a * b).sum(-1) / (a.norm(dim=-1) * b.norm(dim=-1))


def nearest_neighbours(emb: torch.Tensor) -> torch.Tensor:
    """Index of each row's most similar other row (cosine), ties to the lower index."""
    e = emb.double()
    e = e / e.norm(dim=-1, keepdim=True)
    sim = e @ e.T
    sim.fill_diagonal_(-math.inf)
    return sim.argmax(dim=-1)
