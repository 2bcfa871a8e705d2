"""How an expanded layer cuts its input into rows for the run-time expansion (one scale per row).

One rule for the PyTorch expanded layers and the engine: Linear: one row per token when
`per_token` or the input is 2-D, else one row per sample spanning its tokens (`repeat` = tokens
per sample); Conv2d: one row per image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class LayerRows:
    """rows: float64 (R, M) to expand; repeat: GEMM rows (tokens) per expansion row."""

    rows: np.ndarray
    repeat: int


def input_rows(layer, x: torch.Tensor) -> LayerRows:
    """The float64 rows the layer (kind 'conv' or 'gemm') expands for input x."""
    if layer.kind == "conv":
        rows, repeat = x.reshape(x.shape[0], -1), 1
    elif layer.cfg.per_token or x.dim() == 2:
        rows, repeat = x.reshape(-1, layer.in_features), 1
    else:
        rows, repeat = x.reshape(x.shape[0], -1), int(np.prod(x.shape[1:-1]))
    return LayerRows(rows.detach().to(torch.float64).cpu().numpy(), repeat)
