"""What a sweep point costs is set by the model: per expansion setting, once, the error of the
expanded model on its test split and the work of that same run (each layer's GEMM per job, the
(i, j) pairs it ran with the activation terms it really used, the epilogue ops). Both come from
one forward pass over the 449 test images, so error and cost describe the same network; costs
are reported per inference (the batch's divided by its size). Shared by every accelerator.
"""

from __future__ import annotations

from fpxint_sim.errors import InputError
from fpxint_sim.expand import ExpansionConfig

MODELS = ("digits_cnn",)


def evaluate_expansion(model: str, cfg: ExpansionConfig) -> dict:
    """{'error', 'top1_agreement', 'accuracy', 'works': [LayerWork] of the batch, 'samples'}.

    error: the logit noise-to-signal power ratio 10^(-SQNR/10) over the whole test split.
    """
    if model not in MODELS:
        raise InputError(f"sweep --model {model}: not supported (sweepable: "
                         f"{', '.join(MODELS)})")
    from fpxint_sim.accuracy.evaluate import evaluate_digits
    from fpxint_sim.workload.model_work import model_work

    acc = evaluate_digits(cfg)  # the whole test split, as model_work below: the same run
    work = model_work(model, cfg)
    if work.quality["top1_agreement"] != acc["top1_agreement"]:
        raise RuntimeError("accuracy and cost runs disagree: not the same network")
    return {"error": 10.0 ** (-acc["logit_sqnr_db"] / 10.0),
            "top1_agreement": acc["top1_agreement"], "accuracy": acc["accuracy"],
            "works": work.works, "samples": work.samples}
