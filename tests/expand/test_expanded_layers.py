"""Expanded Linear/Conv2d compute sum_i s_i sum_j t_j (W_i * X_j) + bias with exact integer jobs."""

import numpy as np
import pytest
import torch
from torch import nn

import fpxint_sim as F
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.expand.activation import expand_rows
from fpxint_sim.series.int_ops import conv2d as int64_conv2d


def reference_linear(layer: nn.Linear, x: torch.Tensor, cfg: ExpansionConfig) -> np.ndarray:
    """Independent reference: int64 numpy jobs, the same epilogue order, float64."""
    w = F.expand_tensor(layer.weight.detach().double().numpy(), bits=cfg.w_bits,
                        terms=cfg.w_terms, axis=0)
    xs = expand_rows(x.detach().double().numpy(), cfg, "x")
    y = np.zeros((x.shape[0], layer.out_features))
    for i, wt in enumerate(w.terms, 1):
        inner = np.zeros_like(y)
        for j, xt in enumerate(xs, 1):
            if cfg.keeps_pair(i, j):
                acc = xt.centered() @ wt.centered().T  # int64, exact
                inner += np.broadcast_to(xt.scale, (x.shape[0], 1)) * acc
        y += wt.scale.reshape(1, -1) * inner
    return y + layer.bias.detach().double().numpy()


@pytest.mark.parametrize("cfg", [
    ExpansionConfig(w_terms=2, a_terms=3),
    ExpansionConfig(w_terms=3, a_tol=1e-4),
    ExpansionConfig(w_bits=8, a_bits=8, w_terms=1, a_terms=2),
    ExpansionConfig(w_terms=3, a_terms=4, truncate=4),
])
def test_expanded_linear_equals_an_int64_reference_bit_for_bit(cfg):
    torch.manual_seed(0)
    layer = nn.Linear(37, 11)
    x = torch.randn(5, 37, dtype=torch.float64)
    em = expand_model(layer, cfg)
    y = em.module(x)  # float64 in, float64 out: no final cast
    assert np.array_equal(y.detach().numpy(), reference_linear(layer, x, cfg))


def test_expanded_conv_integer_jobs_equal_int64_conv():
    torch.manual_seed(1)
    conv = nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2, bias=False)
    cfg = ExpansionConfig(w_terms=2, a_terms=2)
    x = torch.randn(2, 4, 7, 7, dtype=torch.float64)
    y = expand_model(conv, cfg).module(x).detach().numpy()
    w = F.expand_tensor(conv.weight.detach().double().numpy(), terms=2, axis=0)
    xs = expand_rows(x.numpy().reshape(2, -1), cfg, "x")
    ref = np.zeros_like(y)
    for wt in w.terms:
        inner = np.zeros_like(y)
        for xt in xs:
            acc = int64_conv2d(xt.centered().reshape(x.shape), wt.centered(), stride=2,
                               padding=1, groups=2)
            inner += xt.scale.reshape(2, 1, 1, 1) * acc
        ref += wt.scale.reshape(1, -1, 1, 1) * inner
    assert np.array_equal(y, ref)


def test_truncation_keeps_only_pairs_with_i_plus_j_at_most_k():
    layer = nn.Linear(8, 4)
    em = expand_model(layer, ExpansionConfig(w_terms=3, a_terms=3, truncate=4))
    em.module(torch.randn(3, 8))
    assert em.layers[""].jobs_per_forward[-1] == 6  # (1,1) (1,2) (1,3) (2,1) (2,2) (3,1)


def test_one_signed_inputs_get_an_unsigned_first_term():
    rows = np.abs(np.random.default_rng(0).standard_normal((4, 20)))
    terms = expand_rows(rows, ExpansionConfig(a_terms=3), "x")
    assert not terms[0].signed and terms[0].q.dtype == np.uint8
    assert all(t.signed for t in terms[1:])


def test_activation_tol_stops_each_layer_below_tol():
    rows = np.random.default_rng(1).standard_normal((6, 50))
    terms = expand_rows(rows, ExpansionConfig(a_tol=1e-4), "x")
    approx = F.Series(rows.shape, tuple(terms)).value()
    assert np.abs(rows - approx).max() < 1e-4
    fewer = F.Series(rows.shape, tuple(terms[:-1])).value()
    assert np.abs(rows - fewer).max() >= 1e-4


def test_float_weights_w16_keep_the_weights_and_expand_only_activations():
    torch.manual_seed(3)
    layer = nn.Linear(9, 4)
    x = torch.randn(3, 9, dtype=torch.float64)
    em = expand_model(layer, ExpansionConfig(w_bits=16, a_terms=8))
    y = em.module(x)
    assert em.layers[""].weight_series is None and em.layers[""].jobs_per_forward[-1] == 0
    # The only approximation is the input's residual r: |y - W x - b| <= |r| |W|^T, plus float64
    # rounding of a 9-term dot product (far below 1e-12 at these magnitudes).
    terms = expand_rows(x.numpy(), ExpansionConfig(w_bits=16, a_terms=8), "x")
    r = x.numpy() - F.Series(x.shape, tuple(terms)).value()
    bound = np.abs(r) @ np.abs(layer.weight.detach().double().numpy()).T + 1e-12
    ref = (layer.double()(x)).detach().numpy()
    assert np.all(np.abs(y.detach().numpy() - ref) <= bound)
