"""Metrics and the default sentence set."""

import math

import torch

from fpxint_sim.accuracy.metrics import cosine_rows, nearest_neighbours, sqnr_db
from fpxint_sim.models.sentences import default_sentences


def test_sqnr_is_infinite_for_identical_outputs_and_20_db_for_a_tenth():
    ref = torch.tensor([[3.0, -4.0]], dtype=torch.float64)
    assert sqnr_db(ref, ref) == math.inf
    assert math.isclose(sqnr_db(ref, ref * 1.1), 20.0, rel_tol=1e-12)


def test_nearest_neighbours_exclude_self():
    e = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    assert nearest_neighbours(e).tolist() == [1, 0, 1]
    assert torch.allclose(cosine_rows(e, e), torch.ones(3, dtype=torch.float64))


def test_default_sentences_are_200_deterministic_prose_passages():
    a, b = default_sentences(), default_sentences()
    assert a == b and len(a) == 200 == len(set(a))
    assert all(8 <= len(s.split()) <= 60 for s in a)
