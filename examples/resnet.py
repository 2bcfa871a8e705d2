"""Hand-built ResNet-18 and ResNet-50 for `--model examples/resnet.py:FUNCTION`.

    fpxint-sim run --model examples/resnet.py:resnet18 --out r18
    fpxint-sim verify --model examples/resnet.py:resnet50_224

Each function returns (module, example_inputs): the bundled torchvision-shaped architecture
with seeded random weights, on one seeded image. resnet18 / resnet50 take a 32x32 image (quick
to run); resnet18_224 / resnet50_224 the usual 224x224.
"""

import torch

from fpxint_sim.models.reference import resnet18 as r18
from fpxint_sim.models.reference import resnet50 as r50


def _image(size: int) -> tuple[torch.Tensor]:
    return (torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(0)),)


def resnet18():
    return r18.build(seed=0), _image(32)


def resnet50():
    return r50.build(seed=0), _image(32)


def resnet18_224():
    return r18.build(seed=0), _image(224)


def resnet50_224():
    return r50.build(seed=0), _image(224)
