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


def evaluate_digits_hqq(bits: int = 4, group_size: int = 64) -> dict:
    """The HQQ weight-only baseline on the digits CNN (float activations, no integer jobs)."""
    from fpxint_sim.accuracy.hqq_baseline import hqq_weight_only
    from fpxint_sim.models import load_digits_cnn, load_digits_test

    model = load_digits_cnn()
    x, y = load_digits_test()
    start = time.perf_counter()
    q, _, skipped = hqq_weight_only(model, bits, group_size)
    with torch.no_grad():
        ref, out = model(x), q(x)
    return {
        "model": "digits_cnn", "config": f"HQQ W{bits} group {group_size}, float activations",
        "samples": len(y), "float_accuracy": float((ref.argmax(1) == y).double().mean()),
        "accuracy": float((out.argmax(1) == y).double().mean()),
        "top1_agreement": float((out.argmax(1) == ref.argmax(1)).double().mean()),
        "logit_sqnr_db": sqnr_db(ref, out), "jobs_per_inference": 0,
        "float_layers": skipped, "folded_batchnorms": 0, "layers": [],
        "seconds": time.perf_counter() - start,
    }


def evaluate_minilm_hqq(sentences: list[str], bits: int = 4, group_size: int = 64,
                        batch_size: int = 64) -> dict:
    """The HQQ weight-only baseline on MiniLM (float activations, no integer jobs)."""
    from fpxint_sim.accuracy.hqq_baseline import hqq_weight_only
    from fpxint_sim.models import load_model

    loaded = load_model("minilm")
    start = time.perf_counter()
    q, _, skipped = hqq_weight_only(loaded.module, bits, group_size)
    with torch.no_grad():
        ref = loaded.encoder.encode(sentences, batch_size=batch_size)
        out = loaded.encoder.encode_with(q, sentences, batch_size=batch_size)
    return _minilm_metrics(ref, out, f"HQQ W{bits} group {group_size}, float activations",
                           len(sentences), 0, skipped, [], start)


def _minilm_metrics(ref, out, label, n, jobs, float_layers, layers, start) -> dict:
    cos = cosine_rows(ref, out)
    nn_agree = (nearest_neighbours(ref) == nearest_neighbours(out)).double().mean()
    return {"model": "minilm", "config": label, "sentences": n,
            "mean_cosine": float(cos.mean()), "min_cosine": float(cos.min()),
            "nn_agreement": float(nn_agree), "jobs_per_inference": jobs,
            "float_layers": float_layers, "layers": layers,
            "seconds": time.perf_counter() - start}


def evaluate_minilm(cfg: ExpansionConfig, sentences: list[str], batch_size: int = 64) -> dict:
    from fpxint_sim.models import load_model

    loaded = load_model("minilm")
    start = time.perf_counter()
    em = expand_model(loaded.module, cfg)
    with torch.no_grad():
        ref = loaded.encoder.encode(sentences, batch_size=batch_size)
        em.reset_stats()
        out = loaded.encoder.encode_with(em.module, sentences, batch_size=batch_size)
    n_batches = (len(sentences) + batch_size - 1) // batch_size
    jobs = sum(sum(layer.jobs_per_forward) for layer in em.layers.values()) / n_batches
    layers = [{"layer": name, "w_terms": 0 if layer.weight_series is None
               else len(layer.weight_series),
               "a_terms_max": max(layer.a_term_counts) if layer.a_term_counts else None}
              for name, layer in em.layers.items()]
    return _minilm_metrics(ref, out, cfg.label(), len(sentences), jobs, em.float_layers,
                           layers, start)
