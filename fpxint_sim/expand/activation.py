"""Run-time expansion of a layer input, per input row, calibration-free.

The first term is Laplace-clipped, and unsigned with a zero point when the data is one-signed
(e.g. after ReLU); later terms are symmetric and absorb what the clip cut off. The series stops
when max|residual| < tol over the whole batch (or after a fixed number of terms).
"""

from __future__ import annotations

import numpy as np
import torch

from fpxint_sim.expand.call_record import term_records
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


def expanded_input(rows: np.ndarray, cfg: ExpansionConfig, name: str):
    """(values, records) of (R, M) rows for the PyTorch path: values per term are (q - z as a
    float32 tensor, scale (R,) float64, max|q - z|), records the call record's terms
    (fpxint_sim/expand/call_record.py). With float activations: the rows themselves, scale 1,
    and no records."""
    r = rows.shape[0]
    if cfg.float_activations:
        return [(torch.from_numpy(rows), np.ones(r), None)], None
    terms = expand_rows(rows, cfg, name)
    values, maxes = [], []
    for t in terms:
        centered = t.centered()
        maxes.append(int(np.abs(centered).max()) if centered.size else 0)
        values.append((torch.from_numpy(centered.astype(np.float32)),
                       np.broadcast_to(t.scale, (r, 1)).reshape(r).astype(np.float64),
                       maxes[-1]))
    return values, term_records(terms, maxes)
