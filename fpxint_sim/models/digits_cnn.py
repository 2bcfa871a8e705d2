"""A small real CNN for sklearn's 8x8 digits, built to exercise every layer kind an expander needs.

Conv2d+BatchNorm2d+ReLU blocks (BN to be folded), a stride-2 conv, a depthwise conv (groups > 1)
followed by a 1x1 conv, a flatten, Linear+ReLU and a final Linear to 10 classes. Convs before a
BN have no bias (BN supplies it); the Linear layers have biases. About 40 k parameters.
"""

from importlib import resources

import torch
from torch import nn

WEIGHTS_FILE = "digits_cnn.pt"
NUM_CLASSES = 10


def _conv_bn_relu(c_in: int, c_out: int, kernel: int, stride: int = 1, groups: int = 1):
    """Conv2d (no bias, 'same'-style padding) -> BatchNorm2d -> ReLU."""
    conv = nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, groups=groups, bias=False)
    return [conv, nn.BatchNorm2d(c_out), nn.ReLU()]


class DigitsCNN(nn.Module):
    """Input (N, 1, 8, 8) float32 pixels in [0, 1]; output (N, 10) logits."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            *_conv_bn_relu(1, 16, 3),  # 16 x 8 x 8
            *_conv_bn_relu(16, 32, 3, stride=2),  # 32 x 4 x 4
            *_conv_bn_relu(32, 32, 3, groups=32),  # depthwise, 32 x 4 x 4
            *_conv_bn_relu(32, 32, 1),  # pointwise, 32 x 4 x 4
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(32 * 4 * 4, 64),
            nn.ReLU(),
            nn.Linear(64, NUM_CLASSES),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def load_digits_cnn() -> DigitsCNN:
    """The trained DigitsCNN in eval mode, weights from the shipped `weights/digits_cnn.pt`."""
    model = DigitsCNN()
    with resources.as_file(resources.files(__package__) / "weights" / WEIGHTS_FILE) as path:
        state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model.eval()
