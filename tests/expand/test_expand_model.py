"""Model-level expansion: BN folding, float layers listed, basis models, group laws."""

import copy
import itertools

import numpy as np
import pytest
import torch
from torch import nn

import fpxint_sim as F
from fpxint_sim.errors import InputError
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.expand.fold_bn import fold_batchnorm
from fpxint_sim.models import load_digits_cnn, load_digits_test


def test_batchnorm_folding_preserves_the_function():
    model = load_digits_cnn()
    x, _ = load_digits_test()
    folded = copy.deepcopy(model)
    assert fold_batchnorm(folded) == 4
    with torch.no_grad():
        # Folding changes float32 rounding only: a few ulps at the logits' scale (~10).
        torch.testing.assert_close(folded(x), model(x), rtol=1e-5, atol=1e-5)


def test_layers_that_cannot_be_expanded_are_listed_not_skipped():
    model = nn.Sequential(nn.Embedding(10, 4), nn.Linear(4, 3), nn.LayerNorm(3))
    em = expand_model(model, ExpansionConfig())
    assert list(em.layers) == ["1"]
    assert em.float_layers == [("0", "Embedding"), ("2", "LayerNorm")]


def test_digits_cnn_w4a4_expanded_agrees_with_float_on_every_test_image():
    model = load_digits_cnn()
    x, _ = load_digits_test()
    em = expand_model(model, ExpansionConfig(w_terms=3))
    with torch.no_grad():
        assert torch.equal(em(x).argmax(1), model(x).argmax(1))
    assert em.folded_batchnorms == 4 and em.jobs_per_inference() > 6


# Float activations (a_bits=16) and pow2 weight scales: with an integer-valued input every value
# is a dyadic rational of fewer than 53 significant bits, so every float64 op here is exact.
LINEAR_CFG = ExpansionConfig(w_terms=3, a_bits=16, scale_policy="pow2")


def test_single_layer_output_is_exactly_the_sum_of_its_basis_models():
    torch.manual_seed(2)
    layer = nn.Linear(6, 5).double()
    em = expand_model(layer, LINEAR_CFG)
    x = torch.randint(-3, 4, (4, 6)).double()
    total = sum(em.basis_model(k)(x) for k in (1, 2, 3))
    assert torch.equal(total, em(x))


def test_linear_network_output_is_exactly_the_sum_over_multi_index_basis_models():
    torch.manual_seed(3)
    em = expand_model(nn.Sequential(nn.Linear(6, 5), nn.Linear(5, 4)).double(), LINEAR_CFG)
    x = torch.randint(-3, 4, (4, 6)).double()
    names = list(em.layers)
    total = sum(em.basis_model(dict(zip(names, idx)))(x)
                for idx in itertools.product((1, 2, 3), repeat=len(names)))
    assert torch.equal(total, em(x))


def test_model_abelian_add_is_a_homomorphism_and_obeys_the_group_laws():
    torch.manual_seed(4)
    a, b = nn.Linear(6, 3, bias=False).double(), nn.Linear(6, 3, bias=False).double()
    ea, eb = expand_model(a, LINEAR_CFG), expand_model(b, LINEAR_CFG)
    sa, sb = ea.layers[""].weight_series, eb.layers[""].weight_series
    summed = expand_model(a, LINEAR_CFG)
    summed.layers[""].set_weight_series(F.abelian_add(sa, sb))
    x = torch.randint(-3, 4, (5, 6)).double()
    assert torch.equal(summed(x), ea(x) + eb(x))
    assert F.abelian_add(sa, sb).same_terms(F.abelian_add(sb, sa))
    neg = expand_model(a, LINEAR_CFG)
    neg.layers[""].set_weight_series(F.abelian_add(sa, F.abelian_neg(sa)))
    assert not neg(x).any()


def test_model_abelian_mul_composes_linear_basis_models_exactly():
    torch.manual_seed(5)
    l1, l2 = nn.Linear(6, 5, bias=False).double(), nn.Linear(5, 4, bias=False).double()
    e1, e2 = expand_model(l1, LINEAR_CFG), expand_model(l2, LINEAR_CFG)
    # W2 @ W1 contracts W1's rows, so W1 needs one scale per tensor to factor out of the job.
    e1.layers[""].set_weight_series(F.expand_tensor(l1.weight, terms=3, scale_policy="pow2"))
    w = F.abelian_mul(e2.layers[""].weight_series, e1.layers[""].weight_series, "matmul")
    fused = expand_model(nn.Linear(6, 4, bias=False).double(), LINEAR_CFG)
    fused.layers[""].set_weight_series(w)
    x = torch.randint(-3, 4, (3, 6)).double()
    assert torch.equal(fused(x), e2(e1(x)))


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"w_bits": 9}, "w_bits=9"), ({"a_bits": 12}, "a_bits=12"), ({"w_terms": 0}, "w_terms"),
    ({"truncate": 1}, "truncate"), ({"a_tol": -1.0}, "a_tol"),
])
def test_bad_expansion_options_are_refused(kwargs, match):
    with pytest.raises(F.InputError, match=match):
        ExpansionConfig(**kwargs)


def test_nan_weights_are_refused_naming_the_layer():
    layer = nn.Linear(3, 2)
    with torch.no_grad():
        layer.weight[0, 1] = float("nan")
    with pytest.raises(F.InputError, match=r"0\.weight: 1 NaN"):
        expand_model(nn.Sequential(layer), ExpansionConfig())


def test_expanded_output_is_deterministic():
    model = load_digits_cnn()
    x, _ = load_digits_test()
    em = expand_model(model, ExpansionConfig())
    with torch.no_grad():
        assert np.array_equal(em(x[:50]).numpy(), em(x[:50]).numpy())


@pytest.mark.parametrize("clip", ["foo", -1.0, 0, float("nan"), True])
def test_a_clip_that_is_not_laplace_none_or_positive_is_refused(clip):
    with pytest.raises(InputError, match="a_clip must be null, 'laplace' or a clip value > 0"):
        ExpansionConfig(a_clip=clip)
    assert ExpansionConfig(a_clip=2.5).a_clip == 2.5 and ExpansionConfig(a_clip=None).a_clip is None
