"""The one pair rule (fpxint_sim/term_pairs.py) and the config that calls it."""

from fpxint_sim.expand import ExpansionConfig
from fpxint_sim.term_pairs import kept_pairs


def test_kept_pairs_follow_the_truncation_rule():
    assert kept_pairs(2, 3) == ((1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3))
    assert kept_pairs(2, 3, truncate=3) == ((1, 1), (1, 2), (2, 1))


def test_config_keeps_the_same_pairs():
    cfg = ExpansionConfig(truncate=4)
    assert cfg.kept_pairs(3, 3) == kept_pairs(3, 3, 4) == ((1, 1), (1, 2), (1, 3), (2, 1),
                                                           (2, 2), (3, 1))
    assert all(cfg.keeps_pair(i, j) == ((i, j) in cfg.kept_pairs(3, 3))
               for i in range(1, 4) for j in range(1, 4))
