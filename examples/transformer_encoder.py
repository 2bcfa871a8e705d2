"""A stack of nn.TransformerEncoderLayer(d_model=256, nhead=4, batch_first=True) for
`--model examples/transformer_encoder.py:FUNCTION`.

    fpxint-sim run --model examples/transformer_encoder.py:encoder --out enc
    fpxint-sim verify --model examples/transformer_encoder.py:encoder

Each function returns (module, example_inputs): PyTorch's own encoder layers (default
feed-forward 2048, ReLU, post-norm) with weights seeded by torch.manual_seed, in eval mode,
on seeded random token embeddings. The attention products Q K^T and A V inside
nn.MultiheadAttention are captured as integer jobs like the projections.
"""

import torch
from torch import nn

D_MODEL, HEADS = 256, 4


def _stack(layers: int, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(*(nn.TransformerEncoderLayer(d_model=D_MODEL, nhead=HEADS,
                                                      batch_first=True)
                           for _ in range(layers))).eval()


def _tokens(batch: int, seq: int) -> tuple[torch.Tensor]:
    return (torch.randn(batch, seq, D_MODEL, generator=torch.Generator().manual_seed(1)),)


def encoder():
    """Two encoder layers on one sequence of 16 tokens (quick to run)."""
    return _stack(2), _tokens(1, 16)


def encoder_6x128():
    """Six encoder layers on two sequences of 128 tokens."""
    return _stack(6), _tokens(2, 128)
