"""`accuracy` for any model source: the expanded model (PyTorch exact path) against the float
model on the same inputs, with the integer jobs of that run."""

from __future__ import annotations

import time

import torch


def evaluate_source(source, cfg) -> dict:
    """Agreement metrics (fpxint_sim/workload/output_quality.py) and jobs per inference."""
    from fpxint_sim.models.prepare import expand_source
    from fpxint_sim.workload.output_quality import output_quality

    start = time.perf_counter()
    ref = source.reference()
    em = expand_source(source, cfg)
    em.reset_stats()
    with torch.no_grad():
        out = source.forward(em.module)
    jobs = sum(sum(layer.jobs_per_forward) for layer in em.layers.values())
    return {"model": source.name, "description": source.description,
            "weights": source.weights, "config": cfg.label(),
            "input": source.input_description, "samples": source.samples,
            **output_quality(source, ref, out),
            "jobs_per_inference": jobs / source.samples,
            "float_layers": em.float_layers, "folded_batchnorms": em.folded_batchnorms,
            "seconds": time.perf_counter() - start}
