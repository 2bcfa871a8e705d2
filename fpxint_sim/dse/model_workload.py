"""What a sweep point costs is set by the model: per expansion setting, once, one recorded
forward pass (fpxint_sim/workload/model_work.py) gives both the error of the expanded model and
the work of that same run (each layer call's GEMM per job, the (i, j) pairs it ran with the
terms it really used, the epilogue ops), so error and cost describe the same network; costs are
reported per inference (the batch's divided by its size).

That pass runs on the exact BLAS path and is shared by every accelerator on which a bound
proves that no accumulator can overflow (fpxint_sim/engine/overflow_bound.py): there the
accelerator computes the same integers, and its overflow events are 0. On an accelerator where
the bound does not hold, the same recorded pass runs on the engine instead (once per setting and
engine arithmetic), and the point takes that run's values, error, work and overflow events.

digits_cnn runs on its whole test split (error, accuracy and agreement against the labels);
every other model source (fpxint_sim/models/source.py) on its example inputs, with the error
taken against the float model's outputs and accuracy None (no labels).
"""

from __future__ import annotations

import dataclasses

from fpxint_sim.expand import ExpansionConfig


def _error(sqnr_db: float | None) -> float:
    """Noise-to-signal power ratio 10^(-SQNR/10); 0 when the outputs are identical."""
    return 0.0 if sqnr_db is None else 10.0 ** (-sqnr_db / 10.0)


def evaluate_expansion(model: str, cfg: ExpansionConfig, hw=None) -> dict:
    """{'error', 'top1_agreement', 'accuracy', 'works': [LayerWork] of the batch, 'samples',
    'overflow_events', 'vector_ops': the graph's vector ops and copies} of one recorded
    forward pass: on the BLAS path, or with `hw` on the
    engine (then 'overflow_events' is the run's total; None on the BLAS path).

    error: the output noise-to-signal power ratio 10^(-SQNR/10) against the float model.
    """
    from fpxint_sim.models.source import resolve_model
    from fpxint_sim.workload.model_work import model_work
    from fpxint_sim.workload.vector_work import model_vector_ops

    source = resolve_model(model)
    work = model_work(source, dataclasses.replace(cfg, per_token=source.per_token), hw=hw)
    q = work.quality
    events = None if hw is None else sum(w.overflow_events for w in work.works)
    graph = getattr(work.expanded, "graph", None)  # the float ops between the layers, as run
    vector_ops = [] if graph is None else model_vector_ops(source, graph)
    return {"error": _error(q["sqnr_db"]), "top1_agreement": q.get("top1_agreement"),
            "accuracy": q.get("accuracy"), "works": work.works, "samples": work.samples,
            "overflow_events": events, "vector_ops": vector_ops}


def check_sweep_model(model: str) -> None:
    """Resolve the model once before the sweep starts: a bad --model is one error line, not a
    failure in every worker."""
    from fpxint_sim.models.source import resolve_model

    resolve_model(model).reference()
