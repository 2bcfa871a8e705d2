"""How close an expanded model's outputs are to the float model's, whatever the model is.

Labelled models (digits_cnn) keep their accuracy on the labels; sentence encoders (minilm)
their embedding metrics; every other model is judged by agreement with the float model:
max abs error, SQNR in dB and mean cosine over samples, plus top-1 agreement when the output
is 2-D logits (N, C > 1).
"""

from __future__ import annotations

import torch

from fpxint_sim.accuracy.metrics import cosine_rows, nearest_neighbours, sqnr_db


def _finite(v: float) -> float | None:
    return None if v == float("inf") else v  # JSON has no inf: identical outputs -> null


def agreement(ref: torch.Tensor, out: torch.Tensor) -> dict:
    """Agreement metrics of `out` with the float reference `ref` (same shape)."""
    ref64, out64 = ref.double(), out.double()
    flat_ref = ref64.reshape(ref64.shape[0], -1) if ref64.dim() > 1 else ref64.reshape(1, -1)
    flat_out = out64.reshape(flat_ref.shape)
    q = {"output_shape": list(ref.shape),
         "max_abs_error": float((out64 - ref64).abs().max()) if ref.numel() else 0.0,
         "sqnr_db": _finite(sqnr_db(ref64, out64)),
         "mean_cosine": float(cosine_rows(flat_ref, flat_out).mean())}
    if ref.dim() == 2 and ref.shape[1] > 1:
        q["top1_agreement"] = float((out.argmax(1) == ref.argmax(1)).double().mean())
    return q


def labelled(ref: torch.Tensor, out: torch.Tensor, labels: torch.Tensor) -> dict:
    """Accuracy on the labels, of the expanded and of the float model, and their agreement."""
    return {
        "accuracy": float((out.argmax(1) == labels).double().mean()),
        "float_accuracy": float((ref.argmax(1) == labels).double().mean()),
        "top1_agreement": float((out.argmax(1) == ref.argmax(1)).double().mean()),
        "max_abs_logit_error": float((out.double() - ref.double()).abs().max()),
        "sqnr_db": _finite(sqnr_db(ref, out)),
    }


def sentence_embeddings(ref: torch.Tensor, out: torch.Tensor) -> dict:
    """Cosine of each sentence embedding with the float one; nearest-neighbour agreement."""
    cos = cosine_rows(ref, out)
    q = {"mean_cosine": float(cos.mean()), "min_cosine": float(cos.min()),
         "sqnr_db": _finite(sqnr_db(ref, out))}
    if ref.shape[0] > 1:
        q["nn_agreement"] = float((nearest_neighbours(ref) == nearest_neighbours(out))
                                  .double().mean())
    return q


def output_quality(source, ref: torch.Tensor, out: torch.Tensor) -> dict:
    """The quality dict of a model source (fpxint_sim.models.source.ModelSource)."""
    if source.labels is not None:
        return labelled(ref, out, source.labels)
    if source.sentences is not None:
        return sentence_embeddings(ref, out)
    return agreement(ref, out)
