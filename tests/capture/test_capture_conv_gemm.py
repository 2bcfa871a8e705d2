"""conv3d and transposed conv2d become an exact integer GEMM (nn.Linear) between data ops."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from fpxint_sim.capture import capture_model
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.hw import default_hw_config_path, load_accelerator
from fpxint_sim.ir import lower_model
from fpxint_sim.verify import verify_expanded

U32 = 2.0**-24


def _within_rounding(got, want, magnitude, k):
    """Both are float32 K-term sums of the same products in other orders: each is within
    gamma_K * sum|x||w| of the exact value (plus one rounding of the bias add), so they
    differ by at most 2 (K + 1) u sum|x||w| + u |want|."""
    bound = 2 * (k + 1) * U32 * magnitude + U32 * want.abs()
    return bool(torch.all((got - want).abs() <= bound))


class Volume(nn.Module):
    def __init__(self, padding):
        super().__init__()
        strided = padding != "same"  # PyTorch refuses 'same' with a stride
        self.c3 = nn.Conv3d(3, 5, (2, 3, 3), stride=(1, 2, 1) if strided else 1,
                            padding=padding, dilation=(1, 1, 2) if strided else (1, 2, 1))

    def forward(self, x):
        return self.c3(x)


class Upsample(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1,
                                     dilation=1)

    def forward(self, x):
        return torch.relu(self.up(x))


@pytest.mark.parametrize("padding", [(1, 0, 2), "same", "valid"])
def test_conv3d_is_patches_then_a_linear_with_the_true_gemm(padding):
    torch.manual_seed(0)
    m = Volume(padding).eval()
    x = torch.randn(2, 3, 5, 7, 6)
    c = capture_model(m, (x,))
    assert {op.name: op.kind for op in c.ops if op.kind == "integer"} == {"c3": "integer"}
    assert {op.op for op in c.ops} >= {"conv3d_patches", "patches_to_volume"}
    got, want = c.module(x), m(x)
    assert got.shape == want.shape
    w = m.c3.weight
    magnitude = F.conv3d(x.abs(), w.abs(), None, m.c3.stride, m.c3.padding, m.c3.dilation)
    assert _within_rounding(got, want, magnitude, w[0].numel())
    em = expand_model(c.module, ExpansionConfig(a_terms=2))
    net = lower_model(em, lambda mod: mod(x))
    g = net.layer("c3").forwards[0].gemm
    assert (g.m, g.k, g.n) == (2 * want[0, 0].numel(), 3 * 2 * 3 * 3, 5)


def test_transposed_conv_is_a_linear_then_col2im_without_inserted_zeros():
    torch.manual_seed(1)
    m = Upsample().eval()
    x = torch.randn(2, 4, 5, 6)
    c = capture_model(m, (x,))
    kinds = {op.op: op.kind for op in c.ops}
    assert kinds["linear"] == "integer" and kinds["transposed_conv_col2im"] == "vector"
    got, want = c.module(x), m(x)
    assert got.shape == want.shape == (2, 3, 10, 12)
    magnitude = F.conv_transpose2d(x.abs(), m.up.weight.abs(), None, 2, 1, 1)
    assert _within_rounding(got, want, magnitude, 4 * 3 * 3)
    em = expand_model(c.module, ExpansionConfig(a_terms=2))
    g = lower_model(em, lambda mod: mod(x)).layer("up").forwards[0].gemm
    assert (g.m, g.k, g.n) == (2 * 5 * 6, 4, 3 * 3 * 3)  # M = N H W: no zero-inserted rows
    r = verify_expanded(em, load_accelerator(default_hw_config_path()), lambda mod: mod(x))
    assert r["ok"] and r["outputs_bit_identical"]


def test_grouped_transposed_conv_is_listed_as_left_float():
    m = nn.Sequential(nn.ConvTranspose2d(4, 4, 3, groups=2)).eval()
    c = capture_model(m, (torch.randn(1, 4, 5, 5),))
    [op] = [op for op in c.ops if op.op == "conv_transpose2d"]
    assert op.kind == "unhandled" and op.integer_eligible
    assert op.reason == "integer-eligible conv_transpose2d stayed float: grouped transposed " \
                        "convolution"
