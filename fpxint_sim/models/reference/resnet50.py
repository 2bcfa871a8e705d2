"""ResNet-50 (torchvision's shapes, v1.5 strides, 25,557,032 parameters), seeded random weights."""

from __future__ import annotations

import torch

from fpxint_sim.models.reference.random_init import build_seeded
from fpxint_sim.models.reference.resnet_blocks import Bottleneck, ResNet

PARAMETERS = 25_557_032
DESCRIPTION = "ResNet-50 (torchvision layer shapes, 25.6 M params)"
INPUT = "1x3x224x224"


def build(seed: int = 0) -> ResNet:
    return build_seeded(lambda: ResNet(Bottleneck, (3, 4, 6, 3)), seed,
                        noise_shape=(2, 3, 64, 64))


def example_inputs(g: torch.Generator) -> tuple[torch.Tensor, ...]:
    return (torch.randn(1, 3, 224, 224, generator=g),)
