"""What a sweep point costs is set by the model: per expansion setting, once, the error of the
expanded model on its test data and the work of one inference (each layer's GEMM per job, the
(i, j) pairs it ran with the activation terms it really used, the epilogue ops). Both are shared
by every accelerator of the sweep.
"""

from __future__ import annotations

from fpxint_sim.errors import InputError
from fpxint_sim.expand import ExpansionConfig

MODELS = ("digits_cnn",)


def evaluate_expansion(model: str, cfg: ExpansionConfig) -> dict:
    """{'error', 'top1_agreement', 'accuracy', 'works': [LayerWork] of one inference}.

    error: the logit noise-to-signal power ratio 10^(-SQNR/10) over the whole test split.
    """
    if model not in MODELS:
        raise InputError(f"sweep --model {model}: not supported (sweepable: "
                         f"{', '.join(MODELS)})")
    from fpxint_sim.accuracy.evaluate import evaluate_digits
    from fpxint_sim.workload.model_work import model_work

    acc = evaluate_digits(cfg)
    work = model_work(model, cfg, samples=1)
    return {"error": 10.0 ** (-acc["logit_sqnr_db"] / 10.0),
            "top1_agreement": acc["top1_agreement"], "accuracy": acc["accuracy"],
            "works": work.works}
