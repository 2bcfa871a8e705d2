"""Small models the capture tests share (seeded weights, non-trivial BatchNorm statistics)."""

import torch
import torch.nn.functional as F
from torch import nn


class ResBlock(nn.Module):
    """A ResNet basic block with a 1x1 downsample: three Conv2d -> BatchNorm2d pairs."""

    def __init__(self, c: int = 8):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.down = nn.Sequential(nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c))
        for bn in (self.bn1, self.bn2, self.down[1]):
            bn.running_mean.uniform_(-1, 1)
            bn.running_var.uniform_(0.5, 2)
            bn.weight.data.uniform_(0.5, 1.5)
            bn.bias.data.uniform_(-0.5, 0.5)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.down(x))


class Mixed(nn.Module):
    """F.linear, x @ W, Conv1d ('same', circular), Conv2d (same + reflect, asymmetric same)."""

    def __init__(self):
        super().__init__()
        self.c1d = nn.Conv1d(8, 4, 4, padding="same")
        self.c1r = nn.Conv1d(8, 4, 3, padding=1, padding_mode="circular")
        self.cr = nn.Conv2d(8, 8, 4, padding="same", padding_mode="reflect")
        self.cs = nn.Conv2d(8, 8, (2, 3), padding="same", dilation=(1, 2))
        self.w = nn.Parameter(torch.randn(5, 8))
        self.b = nn.Parameter(torch.randn(5))
        self.m = nn.Parameter(torch.randn(8, 3))

    def forward(self, x):
        y = self.cr(x) + self.cs(x)
        z = self.c1d(y.flatten(2)) + self.c1r(y.flatten(2))
        p = F.adaptive_avg_pool2d(y, 1).flatten(1)
        return F.linear(p, self.w, self.b) + torch.matmul(p, self.m).sum(), z


def seeded(cls, *args):
    torch.manual_seed(0)
    return cls(*args).eval()


class LlamaBlock(nn.Module):
    """A Llama-style decoder block: RMSNorm, grouped-query causal attention, SwiGLU MLP."""

    def __init__(self, d: int = 64, heads: int = 4, kv_heads: int = 2, hidden: int = 128):
        super().__init__()
        self.heads, self.kv_heads, self.hd = heads, kv_heads, d // heads
        self.q = nn.Linear(d, d, bias=False)
        self.k = nn.Linear(d, kv_heads * self.hd, bias=False)
        self.v = nn.Linear(d, kv_heads * self.hd, bias=False)
        self.o = nn.Linear(d, d, bias=False)
        self.norm1, self.norm2 = nn.RMSNorm(d), nn.RMSNorm(d)
        self.gate = nn.Linear(d, hidden, bias=False)
        self.up = nn.Linear(d, hidden, bias=False)
        self.down = nn.Linear(hidden, d, bias=False)

    def forward(self, x):
        b, t, d = x.shape
        h = self.norm1(x)
        q = self.q(h).view(b, t, self.heads, self.hd).transpose(1, 2)
        rep = self.heads // self.kv_heads
        k = self.k(h).view(b, t, self.kv_heads, self.hd).transpose(1, 2).repeat_interleave(rep, 1)
        v = self.v(h).view(b, t, self.kv_heads, self.hd).transpose(1, 2).repeat_interleave(rep, 1)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.o(a.transpose(1, 2).reshape(b, t, d))
        h = self.norm2(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))
