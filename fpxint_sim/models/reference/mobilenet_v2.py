"""MobileNetV2 (torchvision's shapes, width 1.0, 3,504,872 parameters), seeded random weights.

Inverted residual blocks: 1x1 expand conv + BN + ReLU6, 3x3 depthwise conv + BN + ReLU6, 1x1
linear projection + BN, with a residual add when stride 1 and the channels match.
"""

from __future__ import annotations

import torch
from torch import nn

from fpxint_sim.models.reference.random_init import build_seeded

PARAMETERS = 3_504_872
DESCRIPTION = "MobileNetV2 (torchvision layer shapes, 3.5 M params)"
INPUT = "1x3x224x224"
# (expansion t, output channels c, repeats n, first stride s), torchvision's table
SETTINGS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
            (6, 160, 3, 2), (6, 320, 1, 1))


def _conv_bn_relu6(c_in: int, c_out: int, kernel: int, stride: int = 1, groups: int = 1):
    return nn.Sequential(nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, groups=groups,
                                   bias=False), nn.BatchNorm2d(c_out), nn.ReLU6())


class InvertedResidual(nn.Module):
    def __init__(self, c_in: int, c_out: int, stride: int, expand: int):
        super().__init__()
        hidden = c_in * expand
        layers = [] if expand == 1 else [_conv_bn_relu6(c_in, hidden, 1)]
        layers += [_conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden),
                   nn.Conv2d(hidden, c_out, 1, bias=False), nn.BatchNorm2d(c_out)]
        self.conv = nn.Sequential(*layers)
        self.use_residual = stride == 1 and c_in == c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv(x) if self.use_residual else self.conv(x)


class MobileNetV2(nn.Module):
    """Input (N, 3, H, W) images; output (N, num_classes) logits."""

    def __init__(self, num_classes: int = 1000):
        super().__init__()
        features = [_conv_bn_relu6(3, 32, 3, 2)]
        c_in = 32
        for t, c, n, s in SETTINGS:
            for k in range(n):
                features.append(InvertedResidual(c_in, c, s if k == 0 else 1, t))
                c_in = c
        features.append(_conv_bn_relu6(c_in, 1280, 1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = nn.functional.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


def build(seed: int = 0) -> MobileNetV2:
    return build_seeded(MobileNetV2, seed, noise_shape=(2, 3, 64, 64))


def example_inputs(g: torch.Generator) -> tuple[torch.Tensor, ...]:
    return (torch.randn(1, 3, 224, 224, generator=g),)
