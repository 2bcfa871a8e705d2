"""Activation x activation jobs on the PEs (ExpandedActMatmul): both operands raw, both corrected.

Operand rule: the a term (rows of a) is the moving operand and takes an activation type of the
accelerator; the b term (columns of b) is held in the array like a weight and takes a weight
type, fed offset (q + 2^(b-1) with zero point 2^(b-1)) when it is signed and no signed weight
type holds it (held_operand, the one rule of fpxint_sim/hw/operands.py). Per batch matrix
the array computes raw = A_raw @ B_raw under the accumulator arithmetic, and the epilogue
applies both zero points exactly:

    acc[m, n] = raw[m, n] - za[m] colsum_B[n] - zb[n] rowsum_A[m] + K za[m] zb[n]

= sum_k (A_raw - za)(B_raw - zb), the product of the centered terms (added modulo 2^acc_bits
under wrap, in the wide epilogue unit under saturate, as for the weight jobs).
"""

from __future__ import annotations

import numpy as np

from fpxint_sim.engine.arithmetic import accumulator_spec
from fpxint_sim.engine.jobs import JobAccumulators, zero_point_corrected
from fpxint_sim.engine.operands import raw_activation, term_type
from fpxint_sim.expand.epilogue import scale_and_sum
from fpxint_sim.hw.operands import activation_operand, held_operand
from fpxint_sim.kernels import AccumulatorEvents, gemm_spec


def raw_rows(terms, choose, rows_per_matrix: int, batch: int, k: int):
    """[(raw (batch, rows, K), zero point (batch, rows) int64, scale (batch, rows), choice)]."""
    out = []
    for t, choice in zip(terms, (choose(t.bits, t.signed) for t in terms)):
        r = t.q.shape[0]
        q, z = raw_activation(t.q, np.broadcast_to(t.zero_point, (r, 1)).reshape(r), choice)
        scale = np.broadcast_to(t.scale, (r, 1)).reshape(batch, rows_per_matrix)
        out.append((np.ascontiguousarray(q.reshape(batch, rows_per_matrix, k)),
                    z.reshape(batch, rows_per_matrix), scale, choice))
    return out


def act_matmul_job(a_raw: np.ndarray, a_zero: np.ndarray, b_raw_t: np.ndarray,
                   b_zero: np.ndarray, spec) -> JobAccumulators:
    """Per batch matrix: A (M, K) @ B (K, N) from b_raw_t (N, K), both zero points corrected."""
    nb, m, k = a_raw.shape
    n = b_raw_t.shape[1]
    raws, events = [], AccumulatorEvents(0, 0, 0)
    for g in range(nb):
        part, ev = gemm_spec(a_raw[g], np.ascontiguousarray(b_raw_t[g].T), spec)
        raws.append(part)
        events = events + ev
    raw = np.stack(raws) if raws else np.zeros((0, m, n), dtype=np.int64)
    corr = None
    if np.any(a_zero) or np.any(b_zero):
        za, zb = a_zero[:, :, None], b_zero[:, None, :]
        col_b = b_raw_t.sum(axis=2, dtype=np.int64)[:, None, :]
        row_a = a_raw.sum(axis=2, dtype=np.int64)[:, :, None]
        corr = -za * col_b - zb * row_a + np.int64(k) * za * zb
    return JobAccumulators(raw, zero_point_corrected(raw, corr, spec), events)


def run_act_matmul_jobs(backend, layer, a_terms, b_terms, shape, counters):
    """All kept jobs of one forward and the layer's epilogue function; (y, pairs)."""
    nb, m, k, n = shape
    hw = backend.hw
    a_ops = raw_rows(a_terms, lambda b, s: activation_operand(hw, layer.layer_name, b, s), m, nb, k)
    b_ops = raw_rows(b_terms, lambda b, s: held_operand(hw, layer.layer_name, b, s), n, nb, k)
    counters.record_terms([term_type(t) for t in b_terms], [term_type(t) for t in a_terms])
    pairs = layer.cfg.kept_pairs(len(b_ops), len(a_ops))

    def job(i, j):
        b_raw, b_zero, _, b_op = b_ops[i - 1]
        a_raw, a_zero, _, a_op = a_ops[j - 1]
        spec = accumulator_spec(hw, b_op.operand_type, a_op.operand_type)
        res = act_matmul_job(a_raw, a_zero, b_raw, b_zero, spec)
        backend.record_job(layer, counters, i, j, b_op, a_op, res, spec, k, a_raw, a_zero,
                           b_raw, b_zero)
        return res.acc.astype(np.float64)

    y = scale_and_sum(pairs, lambda i, js: (job(i, j) for j in js),
                      [s.reshape(nb, 1, n) for _, _, s, _ in b_ops],
                      [s.reshape(nb, m, 1) for _, _, s, _ in a_ops], (nb, m, n))
    return y, pairs
