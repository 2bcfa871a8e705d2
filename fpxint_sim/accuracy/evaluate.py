"""Accuracy runs: the digits CNN (test accuracy, agreement, logit SQNR) and MiniLM (cosine,
nearest-neighbour agreement), each with the integer job count per inference.

Both expand what every other command expands: the model captured as a graph with the inputs it
runs on (fpxint_sim/models/prepare.py), so MiniLM's attention products Q K^T and A V are integer
jobs here as in `run` and `verify`. MiniLM's sentence batches differ in length: one capture per
distinct batch shape (PerShapeExpansion), the weights expanded once."""

from __future__ import annotations

import time

import torch

from fpxint_sim.accuracy.metrics import cosine_rows, nearest_neighbours, sqnr_db
from fpxint_sim.expand import ExpansionConfig


def _layer_rows(em) -> list[dict]:
    return [{"layer": r["layer"], "w_terms": r["w_terms"], "a_terms": r["a_terms_last"],
             "jobs": r["jobs_last"]} for r in em.summary()]


def evaluate_digits(cfg: ExpansionConfig) -> dict:
    from fpxint_sim.models.prepare import expand_source
    from fpxint_sim.models.source import resolve_model

    source = resolve_model("digits_cnn")  # the whole test split
    y = source.labels
    start = time.perf_counter()
    ref = source.reference()
    em = expand_source(source, cfg)
    out = source.forward(em.module)
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
    from fpxint_sim.models.prepare import PerShapeExpansion

    loaded = load_model("minilm")
    start = time.perf_counter()
    expanded = PerShapeExpansion(loaded.module, cfg, "minilm")
    with torch.no_grad():
        ref = loaded.encoder.encode(sentences, batch_size=batch_size)
        out = loaded.encoder.encode_with(expanded, sentences, batch_size=batch_size)
    ems = list(expanded.expanded.values())
    n_batches = (len(sentences) + batch_size - 1) // batch_size
    jobs = sum(sum(layer.jobs_per_forward) for em in ems for layer in em.layers.values())
    a_terms: dict[str, list[int]] = {}
    w_terms: dict[str, int] = {}
    for em in ems:
        for name, layer in em.layers.items():
            a_terms.setdefault(name, []).extend(layer.a_term_counts)
            w_terms[name] = 0 if layer.weight_series is None else len(layer.weight_series)
    layers = [{"layer": name, "w_terms": w_terms[name],
               "a_terms_max": max(counts) if counts else None}
              for name, counts in a_terms.items()]
    result = _minilm_metrics(ref, out, cfg.label(), len(sentences), jobs / n_batches,
                             ems[0].float_layers, layers, start)
    result["captured_shapes"] = len(ems)
    return result
