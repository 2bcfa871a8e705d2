"""The epilogue of an expanded layer: one function for the PyTorch path and the engine.

    y = sum over i ascending of s_i * (sum over kept j ascending of t_j * acc_ij) + bias

in float64, each step a multiply and then an add (never a fused multiply-add: the reference
rounds twice). acc_ij is the exact integer result of job (i, j) (already zero-point corrected:
the PyTorch path multiplies centered terms, the engine subtracts the corrections from the raw
accumulators, engine/jobs.py; both give the same integers). Because both paths call this
function, their outputs agree bit for bit whenever the integers agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np


def pairs_by_weight_term(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, list[int]]]:
    """[(i, [j, ...])] in execution order: i ascending, j ascending within each i."""
    out: dict[int, list[int]] = {}
    for i, j in sorted(pairs):
        out.setdefault(i, []).append(j)
    return list(out.items())


def scale_and_sum(pairs: Sequence[tuple[int, int]],
                  run_jobs: Callable[[int, list[int]], Iterable[np.ndarray]],
                  w_scales: Sequence[np.ndarray], a_scales: Sequence[np.ndarray],
                  out_shape: tuple[int, ...], bias: np.ndarray | None = None) -> np.ndarray:
    """The layer output (float64, out_shape) from its kept `pairs` (1-based).

    run_jobs(i, js) gives the float64 accumulators of jobs (i, j) for j in js, in that order,
    each of out_shape; w_scales[i-1] / a_scales[j-1] broadcast to out_shape (per output channel
    / per row); bias broadcasts too (None: no bias).
    """
    y = np.zeros(out_shape)
    for i, js in pairs_by_weight_term(pairs):
        inner = np.zeros(out_shape)
        for j, acc in zip(js, run_jobs(i, js), strict=True):
            inner += a_scales[j - 1] * acc
        y += w_scales[i - 1] * inner
    if bias is not None:
        y += bias
    return y
