"""Accuracy runs: the digits CNN (test accuracy, agreement, logit SQNR) and MiniLM (cosine,
nearest-neighbour agreement), each with the integer job count per inference."""

from __future__ import annotations

import time

import torch

from fpxint_sim.accuracy.metrics import cosine_rows, nearest_neighbours, sqnr_db
from fpxint_sim.expand import ExpansionConfig, expand_model


def _layer_rows(em) -> list[dict]:
    return [{"layer": r["layer"], "w_terms": r["w_terms"], "a_terms": r["a_terms_last"],
             "jobs": r["jobs_last"]} for r in em.summary()]


def evaluate_digits(cfg: ExpansionConfig) -> dict:
    from fpxint_sim.models import load_digits_cnn, load_digits_test

    model = load_digits_cnn()
    x, y = load_digits_test()
    start = time.perf_counter()
    em = expand_model(model, cfg)
    with torch.no_grad():
        ref = model(x)
        out = em(x)
    return {
        "model": "digits_cnn", "config": cfg.label(), "samples": len(y),
        "float_accuracy": float((ref.argmax(1) == y).double().mean()),
        "accuracy": float((out.argmax(1) == y).double().mean()),
        "top1_agreement": float((out.argmax(1) == ref.argmax(1)).double().mean()),
        "logit_sqnr_db": sqnr_db(ref, out),
        "jobs_per_inference": em.jobs_per_inference(),
        "float_layers": em.float_layers, "folded_batchnorms": em.folded_batchnorms,
        "layers": _layer_rows(em), "seconds": time.perf_counter() - start,
    }


def evaluate_minilm(cfg: ExpansionConfig, sentences: list[str], batch_size: int = 64) -> dict:
    from fpxint_sim.models import load_model

    loaded = load_model("minilm")
    start = time.perf_counter()
    em = expand_model(loaded.module, cfg)
    with torch.no_grad():
        ref = loaded.encoder.encode(sentences, batch_size=batch_size)
        em.reset_stats()
        out = loaded.encoder.encode_with(em.module, sentences, batch_size=batch_size)
    cos = cosine_rows(ref, out)
    nn_agree = (nearest_neighbours(ref) == nearest_neighbours(out)).double().mean()
    n_batches = (len(sentences) + batch_size - 1) // batch_size
    jobs = sum(sum(layer.jobs_per_forward) for layer in em.layers.values()) / n_batches
    return {
        "model": "minilm", "config": cfg.label(), "sentences": len(sentences),
        "mean_cosine": float(cos.mean()), "min_cosine": float(cos.min()),
        "nn_agreement": float(nn_agree),
        "jobs_per_inference": jobs, "float_layers": em.float_layers,
        "layers": [{"layer": name, "w_terms": 0 if layer.weight_series is None
                    else len(layer.weight_series),
                    "a_terms_max": max(layer.a_term_counts) if layer.a_term_counts else None}
                   for name, layer in em.layers.items()],
        "seconds": time.perf_counter() - start,
    }
