"""A model's weight series are computed on threads: each equals the layer's own series."""

import numpy as np
import pytest
import torch
from torch import nn

from fpxint_sim.errors import InputError
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.expand.expanded_layers import expand_weight


def _model():
    torch.manual_seed(3)
    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Conv2d(8, 8, 1), nn.Flatten(),
                         nn.Linear(8 * 4 * 4, 10), nn.Linear(10, 5)).eval()


def test_threaded_series_equal_each_layer_expanded_alone():
    model, cfg = _model(), ExpansionConfig(w_terms=3)
    em = expand_model(model, cfg)
    assert list(em.layers) == ["0", "2", "4", "5"]
    for name, layer in em.layers.items():
        alone = expand_weight(model.get_submodule(name).weight, cfg, name)
        got = layer.weight_series
        assert len(got.terms) == len(alone.terms) == 3
        for a, b in zip(got.terms, alone.terms):
            assert np.array_equal(a.q, b.q) and np.array_equal(a.scale, b.scale)
            assert np.array_equal(a.zero_point, b.zero_point)


def test_the_first_bad_layer_in_model_order_is_named():
    model = _model()
    with torch.no_grad():
        model[4].weight[0, 0] = float("nan")
        model[5].weight[0, 0] = float("inf")
    with pytest.raises(InputError, match=r"^4\.weight: 1 NaN"):
        expand_model(model, ExpansionConfig())
