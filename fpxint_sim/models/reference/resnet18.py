"""ResNet-18 (torchvision's shapes, 11,689,512 parameters), seeded random weights."""

from __future__ import annotations

import torch

from fpxint_sim.models.reference.random_init import build_seeded
from fpxint_sim.models.reference.resnet_blocks import BasicBlock, ResNet

PARAMETERS = 11_689_512
DESCRIPTION = "ResNet-18 (torchvision layer shapes, 11.7 M params)"
INPUT = "1x3x224x224"


def build(seed: int = 0) -> ResNet:
    return build_seeded(lambda: ResNet(BasicBlock, (2, 2, 2, 2)), seed,
                        noise_shape=(2, 3, 64, 64))


def example_inputs(g: torch.Generator) -> tuple[torch.Tensor, ...]:
    return (torch.randn(1, 3, 224, 224, generator=g),)
