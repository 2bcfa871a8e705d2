"""What a sweep point costs is set by the model: per expansion setting, once, the error of the
expanded model and the work of that same run (each layer's GEMM per job, the (i, j) pairs it
ran with the activation terms it really used, the epilogue ops). Both come from one forward
pass, so error and cost describe the same network; costs are reported per inference (the
batch's divided by its size). Shared by every accelerator.

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


def evaluate_expansion(model: str, cfg: ExpansionConfig) -> dict:
    """{'error', 'top1_agreement', 'accuracy', 'works': [LayerWork] of the batch, 'samples'}.

    error: the output noise-to-signal power ratio 10^(-SQNR/10) against the float model.
    """
    from fpxint_sim.models.source import resolve_model
    from fpxint_sim.workload.model_work import model_work

    if model == "digits_cnn":
        from fpxint_sim.accuracy.evaluate import evaluate_digits

        acc = evaluate_digits(cfg)  # the whole test split, as model_work below: the same run
        work = model_work(model, cfg)
        if work.quality["top1_agreement"] != acc["top1_agreement"]:
            raise RuntimeError("accuracy and cost runs disagree: not the same network")
        return {"error": 10.0 ** (-acc["logit_sqnr_db"] / 10.0),
                "top1_agreement": acc["top1_agreement"], "accuracy": acc["accuracy"],
                "works": work.works, "samples": work.samples}
    source = resolve_model(model)
    work = model_work(source, dataclasses.replace(cfg, per_token=source.per_token))
    q = work.quality
    return {"error": _error(q["sqnr_db"]), "top1_agreement": q.get("top1_agreement"),
            "accuracy": q.get("accuracy"), "works": work.works, "samples": work.samples}


def check_sweep_model(model: str) -> None:
    """Resolve the model once before the sweep starts: a bad --model is one error line, not a
    failure in every worker."""
    from fpxint_sim.models.source import resolve_model

    resolve_model(model).reference()
