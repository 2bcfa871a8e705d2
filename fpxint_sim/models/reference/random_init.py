"""Seeded random weights for the reference architectures: every value from one torch.Generator.

Convs get He-normal weights (std sqrt(2 / fan_in)), Linear and embedding weights N(0, std) with
the model's std (0.02 for the transformers, as BERT and ViT initialise), biases N(0, 0.02),
norm scales 1 + N(0, 0.1) and shifts N(0, 0.1). BatchNorm running statistics are then measured
on one seeded noise batch (train-mode forward, cumulative average), so every BN folds a
different, non-trivial mean and variance per channel and the folded network stays at unit
scale, as a trained one does. The global torch RNG is neither read nor changed.
"""

from __future__ import annotations

import math

import torch
from torch import nn

RANDOM_WEIGHTS = "random weights"


def _normal_(t: torch.Tensor, std: float, g: torch.Generator, mean: float = 0.0) -> None:
    with torch.no_grad():
        t.copy_(torch.randn(t.shape, generator=g) * std + mean)


def seeded_init(model: nn.Module, seed: int, linear_std: float | None = None) -> nn.Module:
    """Overwrite every parameter of `model` with seeded random values (see module doc).

    linear_std None: Linear weights N(0, 1 / fan_in); else N(0, linear_std).
    Parameters of other modules (cls tokens, position tables) get N(0, 0.02).
    """
    g = torch.Generator().manual_seed(seed)
    done: set[int] = set()
    for module in model.modules():
        w, b = getattr(module, "weight", None), getattr(module, "bias", None)
        if isinstance(module, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            fan_in = w[0].numel()
            _normal_(w, math.sqrt(2.0 / fan_in), g)
        elif isinstance(module, nn.Linear):
            _normal_(w, linear_std if linear_std is not None else 1 / math.sqrt(w.shape[1]), g)
        elif isinstance(module, nn.Embedding):
            _normal_(w, linear_std or 0.02, g)
        elif isinstance(w, nn.Parameter) and w.dim() == 1:  # BatchNorm, LayerNorm, RMSNorm
            _normal_(w, 0.1, g, mean=1.0)
        elif w is not None:
            _normal_(w, 0.02, g)
        if isinstance(b, nn.Parameter):
            _normal_(b, 0.1 if w is not None and w.dim() == 1 else 0.02, g)
        done.update(id(p) for p in module.parameters(recurse=False))
    for p in model.parameters():
        if id(p) not in done:
            _normal_(p, 0.02, g)
    return model


def measure_batchnorm_stats(model: nn.Module, noise_shape: tuple, seed: int) -> nn.Module:
    """Set every BatchNorm's running mean/var to the statistics of one seeded N(0,1) batch."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    momenta = [bn.momentum for bn in bns]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average: after one batch, exactly that batch's stats
    x = torch.randn(noise_shape, generator=torch.Generator().manual_seed(seed + 1))
    model.train()
    with torch.no_grad():
        model(x)
    for bn, momentum in zip(bns, momenta):
        bn.momentum = momentum
    return model.eval()


def build_seeded(factory, seed: int, linear_std: float | None = None,
                 noise_shape: tuple | None = None) -> nn.Module:
    """factory() with seeded weights (and, given noise_shape, measured BN statistics), in eval
    mode. torch's own initialisation in the constructors draws from the global RNG: all of it
    runs under fork_rng, so the caller's random stream is the same after as before."""
    with torch.random.fork_rng(devices=[]):  # dropout in the train-mode pass draws too
        model = seeded_init(factory(), seed, linear_std)
        if noise_shape is not None:
            measure_batchnorm_stats(model, noise_shape, seed)
    return model.eval()


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
