"""How an expanded layer cuts its input into rows for the run-time expansion (one scale per row).

The same rule as ExpandedLinear/ExpandedConv2d.forward, for the lowering and the engine:
Linear: one row per token when `per_token` or the input is 2-D, else one row per sample
spanning its tokens (`repeat` = tokens per sample); Conv2d: one row per image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from fpxint_sim.expand.expanded_layers import ExpandedConv2d


@dataclass(frozen=True)
class LayerRows:
    """rows: float64 (R, M) to expand; repeat: GEMM rows (tokens) per expansion row."""

    rows: np.ndarray
    repeat: int


def input_rows(layer, x: torch.Tensor) -> LayerRows:
    """The float64 rows the layer expands for input x."""
    if isinstance(layer, ExpandedConv2d):
        rows, repeat = x.reshape(x.shape[0], -1), 1
    elif layer.cfg.per_token or x.dim() == 2:
        rows, repeat = x.reshape(-1, layer.in_features), 1
    else:
        rows, repeat = x.reshape(x.shape[0], -1), int(np.prod(x.shape[1:-1]))
    return LayerRows(rows.detach().to(torch.float64).cpu().numpy(), repeat)
