"""Lowering the digits CNN: GEMM shapes, term counts, kept jobs and epilogue steps per layer."""

import numpy as np
import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.ir import lower_model
from fpxint_sim.models import load_digits_cnn, load_digits_test

X = load_digits_test()[0][:16]


def lowered(cfg):
    em = expand_model(load_digits_cnn(), cfg)
    return em, lower_model(em, lambda m: m(X), "digits_cnn")


def test_gemm_views_of_every_layer():
    _, net = lowered(ExpansionConfig(w_terms=2, a_terms=3))
    shapes = {layer.name: (layer.kind, layer.forwards[0].gemm) for layer in net.layers}
    n = len(X)
    assert [(k, g.m, g.k, g.n, g.groups) for k, g in shapes.values()] == [
        ("conv", n * 64, 9, 16, 1), ("conv", n * 16, 144, 32, 1), ("conv", n * 16, 9, 32, 32),
        ("conv", n * 16, 32, 32, 1), ("gemm", n, 512, 64, 1), ("gemm", n, 64, 10, 1)]
    assert net.layers[2].conv.groups == 32 and net.layers[1].conv.stride == (2, 2)


def test_job_counts_follow_terms_and_truncation():
    em, net = lowered(ExpansionConfig(w_terms=3, a_terms=3, truncate=4))
    for layer in net.layers:
        fwd = layer.forwards[0]
        assert len(layer.weight_terms) == 3 and len(fwd.activation_terms) == 3
        assert fwd.jobs == ((1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (3, 1))
        assert fwd.macs == 6 * fwd.gemm.macs
        assert em.layers[layer.name].jobs_per_forward[-1] == len(fwd.jobs)


def test_records_hold_numpy_terms_and_the_epilogue_chain():
    _, net = lowered(ExpansionConfig(w_terms=2, a_terms=2))
    first = net.layers[0]
    assert all(isinstance(t.q, np.ndarray) and t.q.dtype == np.int8 for t in first.weight_terms)
    assert first.weight_terms[0].scale.shape == (16,)
    a1 = first.forwards[0].activation_terms[0]
    assert not a1.signed and a1.zero_point.shape == (len(X),)  # pixels: one-signed, per image
    ops = [s["op"] for s in first.epilogue(first.forwards[0])]
    assert ops == ["zero_point_correction", "scale_accumulate", "bias", "nonlinearity",
                   "re_expand"]
    assert first.nonlinearity_after == "ReLU" and first.next_layer == "features.3"
    assert net.layers[-1].next_layer is None and net.layers[-1].nonlinearity_after is None


def test_float_operands_cannot_be_lowered():
    em = expand_model(load_digits_cnn(), ExpansionConfig(a_bits=16))
    with pytest.raises(InputError, match="integer weights and activations"):
        lower_model(em, lambda m: m(X))
