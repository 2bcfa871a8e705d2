"""Run-time expansion of a layer input, per input row, calibration-free.

The first term is Laplace-clipped, and unsigned with a zero point when the data is one-signed
(e.g. after ReLU); later terms are symmetric and absorb what the clip cut off. The series stops
when max|residual| < tol over the whole batch (or after a fixed number of terms).
"""

from __future__ import annotations

import numpy as np
import torch

from fpxint_sim.expand.config import ExpansionConfig
from fpxint_sim.series.expand import expand_tensor
from fpxint_sim.series.series import Term


def expand_rows(rows: np.ndarray, cfg: ExpansionConfig, name: str) -> list[Term]:
    """Terms of a float64 (R, M) array with one scale per row (axis 0)."""
    one_signed = bool(rows.min() >= 0.0)
    first = expand_tensor(rows, bits=cfg.a_bits, terms=1, symmetric=not one_signed, axis=0,
                          clip=cfg.a_clip, scale_policy=cfg.scale_policy, name=name)
    terms = list(first.terms)
    if cfg.a_terms is not None:
        remaining, tol_mode = cfg.a_terms - len(terms), False
    else:
        remaining, tol_mode = cfg.a_max_terms - len(terms), True
    if remaining > 0 and first.residual is not None and np.any(first.residual):
        rest = expand_tensor(first.residual, bits=cfg.a_bits,
                             terms=None if tol_mode else remaining, tol=cfg.a_tol,
                             max_terms=remaining, axis=0, scale_policy=cfg.scale_policy,
                             name=name)
        terms += rest.terms
    return terms


def activation_terms(x2d: torch.Tensor, cfg: ExpansionConfig, name: str):
    """Expand (R, M) rows: [(q - z as a float32 tensor, scale (R, 1), max|q - z|)] per term."""
    rows = x2d.detach().to(torch.float64).cpu().numpy()
    out = []
    for t in expand_rows(rows, cfg, name):
        centered = t.centered()
        out.append((torch.from_numpy(centered.astype(np.float32)),
                    torch.from_numpy(np.ascontiguousarray(t.scale, dtype=np.float64)),
                    int(np.abs(centered).max())))
    return out
