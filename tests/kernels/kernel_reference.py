"""Independent numpy reference models of the accumulator arithmetic (tests only).

Written from docs/accumulators.md without the kernels' code: int64 matmul then modular
reduction for wrap; an explicit per-fold, per-k clamped loop for saturate.
"""

import numpy as np


def wrap_reference(a, b, acc_bits):
    """(values, overflow count): exact int64 matmul reduced modulo 2**acc_bits."""
    exact = a.astype(np.int64) @ b.astype(np.int64)
    if acc_bits == 64:
        return exact, 0
    half = 1 << (acc_bits - 1)
    wrapped = np.mod(exact + half, 1 << acc_bits) - half
    return wrapped, int((wrapped != exact).sum())


def pair_terms(a, b):
    """Terms of the fbgemm model: list over pairs p of sat16(a[:,2p] b[2p] + a[:,2p+1] b[2p+1])."""
    a = a.astype(np.int64)
    b = b.astype(np.int64)
    terms, flags = [], np.zeros((a.shape[0], b.shape[1]), dtype=bool)
    for k in range(0, a.shape[1], 2):
        s = np.outer(a[:, k], b[k])
        if k + 1 < a.shape[1]:
            s = s + np.outer(a[:, k + 1], b[k + 1])
        flags |= (s > 32767) | (s < -32768)
        terms.append(np.clip(s, -32768, 32767))
    return terms, flags


def saturate_reference(a, b, acc_bits, k_tile=None, pairs=False):
    """(values, clamped count, pair-saturated count) of the ordered saturating accumulator."""
    lo, hi = -(1 << (acc_bits - 1)), (1 << (acc_bits - 1)) - 1
    m, k_depth = a.shape
    n = b.shape[1]
    if pairs:
        terms, pflags = pair_terms(a, b)
        step = 2
    else:
        terms = [np.outer(a[:, k].astype(np.int64), b[k].astype(np.int64))
                 for k in range(k_depth)]
        pflags = np.zeros((m, n), dtype=bool)
        step = 1
    tile = k_tile or max(k_depth, 1)
    total = np.zeros((m, n), dtype=np.int64)
    clamped = np.zeros((m, n), dtype=bool)
    for f0 in range(0, k_depth, tile):
        part = np.zeros((m, n), dtype=np.int64)
        for k in range(f0, min(f0 + tile, k_depth), step):
            s = part + terms[k // step]
            part = np.clip(s, lo, hi)
            clamped |= part != s
        s = total + part
        total = np.clip(s, lo, hi)
        clamped |= total != s
    return total, int(clamped.sum()), int(pflags.sum())


def pair_wrap_reference(a, b, acc_bits):
    """(values, overflow count, pair count): fbgemm pair terms summed exactly, then wrapped."""
    terms, pflags = pair_terms(a, b)
    exact = sum(terms, np.zeros((a.shape[0], b.shape[1]), dtype=np.int64))
    half = 1 << (acc_bits - 1)
    wrapped = exact if acc_bits == 64 else np.mod(exact + half, 1 << acc_bits) - half
    return wrapped, int((wrapped != exact).sum()), int(pflags.sum())
