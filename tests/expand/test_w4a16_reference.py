"""The PyTorch reference of W4A16 (expand/w4a16_reference.py) and the expansion itself."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn
from w4a16_fixtures import spec_of

from fpxint_sim.capture.act_matmul import ActMatmul
from fpxint_sim.errors import InputError
from fpxint_sim.expand.w4a16 import expand_model_w4a16
from fpxint_sim.expand.w4a16_layers import W4A16ActMatmul, W4A16Linear
from fpxint_sim.expand.w4a16_reference import (
    dequantized_weight,
    ordered_fold_matmul,
    round_activation,
)


def _python_fold_sum(x, w, fold):
    """The declared order with Python-level float32 scalars: obvious and slow."""
    m, k = x.shape
    out = torch.zeros(m, w.shape[0])
    for i in range(m):
        for j in range(w.shape[0]):
            total = torch.tensor(0.0)
            for k0 in range(0, k, fold):
                part = torch.tensor(0.0)
                for kk in range(k0, min(k, k0 + fold)):
                    part = part + x[i, kk] * w[j, kk]
                total = total + part
            out[i, j] = total
    return out


@given(st.integers(0, 2**31 - 1), st.integers(1, 4), st.integers(1, 30), st.integers(1, 4),
       st.integers(1, 40))
def test_ordered_fold_matmul_is_the_declared_order(seed, m, k, n, fold):
    g = torch.Generator().manual_seed(seed)
    x = round_activation(torch.randn(m, k, generator=g) * torch.exp2(
        torch.randint(-10, 10, (m, k), generator=g).float()), "fp16")
    w = torch.randint(-7, 8, (n, k), generator=g).float()
    got = ordered_fold_matmul(x, w, fold)
    assert torch.equal(got.view(torch.int32), _python_fold_sum(x, w, fold).view(torch.int32))


def test_batched_operands_reduce_per_batch_matrix():
    g = torch.Generator().manual_seed(3)
    x, w = torch.randn(2, 3, 5, 10, generator=g), torch.randn(2, 3, 4, 10, generator=g)
    got = ordered_fold_matmul(x, w, 4)
    for b in range(2):
        for h in range(3):
            assert torch.equal(got[b, h], _python_fold_sum(x[b, h], w[b, h], 4))


def test_dequantized_weight_sums_terms_in_fp32_then_rounds():
    q1, q2 = torch.tensor([[3.0, -7.0]]), torch.tensor([[1.0, 2.0]])
    s1, s2 = torch.tensor([0.1]), torch.tensor([0.001])
    w = dequantized_weight([(q1, s1), (q2, s2)], (1, 2), "bf16")
    want = (s1 * q1 + s2 * q2).to(torch.bfloat16).to(torch.float32)
    assert torch.equal(w, want)
    assert torch.equal(dequantized_weight([], (2, 3), "fp16"), torch.zeros(2, 3))


def test_one_term_is_round_to_nearest_int4():
    lin = nn.Linear(16, 4, bias=False)
    layer = W4A16Linear(lin, 1, spec_of(), 128, "free", "l")
    w = lin.weight.detach().double()
    s = w.abs().amax(1, keepdim=True) / 7
    (q, scale), = layer.ref_terms
    assert torch.equal(q, torch.round(w / s).float())
    assert torch.allclose(scale.double(), s.reshape(-1), rtol=1e-7)


def test_expansion_replaces_linears_and_act_matmuls_on_a_copy():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc, self.mm, self.conv = nn.Linear(8, 8), ActMatmul(), nn.Conv2d(1, 1, 1)

        def forward(self, x):
            return self.mm(self.fc(x), x.transpose(-1, -2))

    model = Block()
    em = expand_model_w4a16(model, w_terms=2, spec=spec_of(), array_rows=4)
    assert isinstance(model.fc, nn.Linear)  # the original is untouched
    assert isinstance(em.layers["fc"], W4A16Linear)
    assert isinstance(em.layers["mm"], W4A16ActMatmul)
    assert em.float_layers == [("conv", "Conv2d")]
    y = em.module(torch.randn(3, 8))
    assert y.dtype == torch.float32 and y.shape == (3, 3)
    assert em.jobs_per_inference() == 2 + 1
    root = expand_model_w4a16(nn.Linear(4, 2), w_terms=1, spec=spec_of(), array_rows=4)
    assert list(root.layers) == [""] and isinstance(root.module, W4A16Linear)


@pytest.mark.parametrize("kwargs, message", [
    ({"spec": None}, "needs the description.s w4a16 section"),
    ({"w_terms": 0}, "w_terms must be 1..8"),
    ({"w_terms": 9}, "w_terms must be 1..8"),
    ({"array_rows": 0}, "array_rows must be a positive integer"),
    ({"scale_policy": "log"}, "scale_policy must be one of"),
])
def test_bad_arguments_are_refused(kwargs, message):
    args = {"w_terms": 2, "spec": spec_of(), "array_rows": 8, **kwargs}
    with pytest.raises(InputError, match=message):
        expand_model_w4a16(nn.Linear(4, 4), **args)


def test_reference_output_is_float32_with_bias_added_last():
    lin = nn.Linear(6, 3)
    layer = W4A16Linear(lin, 2, spec_of(), 4, "free", "l")
    x = torch.randn(2, 6)
    y = layer(x)
    no_bias = nn.Linear(6, 3, bias=False)
    no_bias.weight = lin.weight
    plain = W4A16Linear(no_bias, 2, spec_of(), 4, "free", "l")(x)
    assert y.dtype == torch.float32 and torch.equal(y, plain + lin.bias.detach())
    assert np.isfinite(y.detach().numpy()).all()


def test_reference_rounds_each_product_and_keeps_subnormals():
    """2^-149 + round(2^-150) = 2^-149: not fused (2^-148), not flushed (0)."""
    a, w = torch.tensor([[2.0**-74, 2.0**-75]]), torch.tensor([[2.0**-75, 2.0**-75]])
    assert ordered_fold_matmul(a, w, 2).item() == 2.0**-149


def test_folds_taken_in_chunks_give_the_same_sums(monkeypatch):
    """A bound on the partial sums held at once (big layers) changes no bit."""
    from fpxint_sim.expand import w4a16_reference

    g = torch.Generator().manual_seed(5)
    x = torch.randn(3, 2, 61, generator=g) * 1e3
    w = torch.randn(3, 4, 61, generator=g)
    whole = ordered_fold_matmul(x, w, 8)
    monkeypatch.setattr(w4a16_reference, "PART_ELEMS", 3 * 2 * 4 * 3)  # 3 of 8 folds at once
    assert torch.equal(ordered_fold_matmul(x, w, 8), whole)
    assert torch.equal(whole[1], _python_fold_sum(x[1], w[1], 8))
