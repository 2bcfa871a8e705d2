"""Error of every weight tensor of a model after 1..N series terms (`fpxint-sim expand`)."""

from __future__ import annotations

import math
import time

import numpy as np

from fpxint_sim.errors import InputError
from fpxint_sim.quant.uniform import check_bits
from fpxint_sim.series.expand import expand_tensor


def weight_tensors(module) -> list[tuple[str, np.ndarray]]:
    """Weight matrices and kernels (ndim >= 2) of a torch module, by parameter name."""
    return [(name, p.detach().cpu().double().numpy())
            for name, p in module.named_parameters() if p.ndim >= 2]


def tensor_convergence(name: str, w: np.ndarray, bits: int, max_terms: int,
                       per_channel: bool = True, scale_policy: str = "free") -> dict:
    """Max and relative (Frobenius) error after 1..max_terms terms, from the exact residuals."""
    s = expand_tensor(w, bits=bits, terms=max_terms, axis=0 if per_channel else None,
                      scale_policy=scale_policy, name=name)
    # A series that became exact early has zero error for the remaining terms.
    pad = max_terms - len(s)
    max_err = list(s.residual_max) + [0.0] * pad
    norms = list(s.residual_norm) + [0.0] * pad
    w_norm = float(np.linalg.norm(w))
    return {"name": name, "shape": list(w.shape), "numel": int(w.size),
            "max_abs_error": max_err, "sq_error": [n * n for n in norms],
            "rel_error": [n / w_norm if w_norm else 0.0 for n in norms],
            "sq_norm": w_norm * w_norm, "max_abs": float(np.abs(w).max())}


def model_convergence(model_name: str, bits: int = 4, max_terms: int = 4,
                      per_channel: bool = True, scale_policy: str = "free") -> dict:
    from fpxint_sim.models.registry import load_model  # torch is imported only when needed

    if isinstance(max_terms, bool) or not isinstance(max_terms, int) or max_terms < 1:
        raise InputError(f"--max-terms must be a positive integer, got {max_terms!r}")
    check_bits(bits, "--bits")
    loaded = load_model(model_name)
    start = time.perf_counter()
    rows = [tensor_convergence(name, w, bits, max_terms, per_channel, scale_policy)
            for name, w in weight_tensors(loaded.module)]
    seconds = time.perf_counter() - start
    total_sq = sum(r["sq_norm"] for r in rows)
    total = {"name": "ALL", "shape": [sum(r["numel"] for r in rows)],
             "max_abs_error": [max(r["max_abs_error"][k] for r in rows) for k in range(max_terms)],
             "rel_error": [math.sqrt(sum(r["sq_error"][k] for r in rows) / total_sq)
                           for k in range(max_terms)]}
    for r in rows:
        del r["sq_error"], r["sq_norm"]
    return {"model": model_name, "bits": bits, "max_terms": max_terms,
            "per_channel": per_channel, "scale_policy": scale_policy,
            "n_tensors": len(rows), "n_weights": total["shape"][0], "seconds": seconds,
            "tensors": rows, "total": total}
