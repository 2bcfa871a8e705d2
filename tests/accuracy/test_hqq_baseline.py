"""HQQ baseline: real 4-bit grouped weights written into a float copy; odd sizes left float."""

import numpy as np
import pytest
import torch

pytest.importorskip("hqq", reason="the HQQ baseline needs the optional extra 'hqq'")

from fpxint_sim.accuracy.hqq_baseline import hqq_weight_only
from fpxint_sim.models import load_digits_cnn


def test_every_group_of_64_weights_holds_at_most_16_levels_and_the_original_is_untouched():
    model = load_digits_cnn()
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    q, done, skipped = hqq_weight_only(model, bits=4, group_size=64)
    assert "classifier.1" in done and [n for n, _ in skipped] == ["features.0", "features.6"]
    w = dict(q.named_parameters())["classifier.1.weight"].detach().numpy().reshape(-1, 64)
    assert max(len(np.unique(g)) for g in w) <= 16
    assert not np.array_equal(w.reshape(-1), before["classifier.1.weight"].numpy().reshape(-1))
    for n, p in model.named_parameters():
        assert torch.equal(p, before[n])
