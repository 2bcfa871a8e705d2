"""ExpandedActMatmul: both operands expanded at run time, n_a x n_b exact integer jobs."""

import numpy as np
import torch

from fpxint_sim.capture import ActMatmul
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.expand.activation import expand_rows
from fpxint_sim.expand.expanded_act_matmul import act_matmul_rows

EPS64 = 2.0**-53


def _series_product(a, b, cfg):
    """Independent float64 sum of the kept jobs (numpy, another order) and a bound of the
    rounding of both sums: 2 roundings per job and per final add, relative to sum |term|."""
    rows_a, rows_b = act_matmul_rows(a, b)
    ta, tb = expand_rows(rows_a, cfg, "a"), expand_rows(rows_b, cfg, "b")
    nb, m, k, n = a.shape[0], a.shape[1], a.shape[2], b.shape[2]
    y, mag, jobs = np.zeros((nb, m, n)), np.zeros((nb, m, n)), 0
    for i, tbi in enumerate(tb, 1):
        for j, taj in enumerate(ta, 1):
            if not cfg.keeps_pair(i, j):
                continue
            qa = taj.centered().reshape(nb, m, k)
            qb = tbi.centered().reshape(nb, n, k).transpose(0, 2, 1)
            term = (np.broadcast_to(taj.scale, (nb * m, 1)).reshape(nb, m, 1)
                    * np.broadcast_to(tbi.scale, (nb * n, 1)).reshape(nb, 1, n)
                    * np.matmul(qa, qb).astype(np.float64))
            y += term
            mag += np.abs(term)
            jobs += 1
    return y, (4 * jobs + 4) * EPS64 * mag, len(ta), len(tb), jobs


def test_jobs_are_the_abelian_mul_of_both_run_time_series():
    torch.manual_seed(0)
    a = torch.randn(3, 5, 16, dtype=torch.float64)
    b = torch.rand(3, 16, 7, dtype=torch.float64)  # one-signed: unsigned terms, zero points
    cfg = ExpansionConfig(a_terms=3)
    em = expand_model(ActMatmul(), cfg)
    y = em(a, b)
    want, bound, n_a, n_b, jobs = _series_product(a, b, cfg)
    assert n_a == 3 and n_b == 3 and em.module.jobs_per_forward == [jobs] == [9]
    assert np.all(np.abs(y.numpy() - want) <= bound)


def test_truncation_keeps_pairs_i_plus_j_at_most_k():
    torch.manual_seed(1)
    a, b = torch.randn(2, 4, 8), torch.randn(2, 8, 3)
    em = expand_model(ActMatmul(), ExpansionConfig(a_terms=3, truncate=3))
    em(a, b)
    assert em.module.jobs_per_forward == [3]  # (1, 1), (1, 2), (2, 1)
    assert em.module.a_term_counts == [3] and em.module.b_term_counts == [3]


def test_activation_products_converge_to_the_float_product():
    torch.manual_seed(2)
    a, b = torch.randn(2, 6, 32, dtype=torch.float64), torch.randn(2, 32, 4,
                                                                  dtype=torch.float64)
    errors = []
    for terms in (1, 2, 4):
        em = expand_model(ActMatmul(), ExpansionConfig(a_terms=terms))
        errors.append(float((em(a, b) - a @ b).abs().max()))
    assert errors[0] > errors[1] > errors[2] and errors[2] < 1e-3 * errors[0]


def test_float_activations_leave_act_matmul_float_and_listed():
    holder = torch.nn.Module()
    holder.mm = ActMatmul()
    em = expand_model(holder, ExpansionConfig(a_bits=16))
    assert em.layers == {} and isinstance(em.module.mm, ActMatmul)
    assert em.float_layers == [("mm", "ActMatmul (activations kept float)")]
