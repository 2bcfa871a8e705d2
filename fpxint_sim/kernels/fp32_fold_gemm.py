"""The W4A16 GEMM kernel: exact fp32 products summed in fp32 in the declared fold order.

out[g, m, n] = sum over folds f ascending (from +0.0) of the fold's partial sum, itself the
sum of a[g, m, k] * bt[g, k, n] over the fold's k ascending (from +0.0); each add rounds to
nearest even in float32. A fold holds `fold` consecutive k's (the last one may be short);
fold >= K is the sequential order (one fold). Work is cut into tasks of one row and a block of
columns; every output element is summed in this order whichever thread runs its task.
docs/w4a16.md.

Small jobs run on the calling thread: a parallel region costs a start-up, and on a host
shared with other work it also waits for its slowest (descheduled) worker, which a job of a
millisecond does not repay. A job splits across threads from PARALLEL_MIN_MACS on (a 4096 x
4096 decode GEMM; llama_block's GEMMs, at most 12.6 M MACs, stay on one thread).
"""

from __future__ import annotations

import numba as nb
import numpy as np

COL_BLOCK = 256  # columns one task sums: its fold partial sums stay in L1 (1 KiB)
PARALLEL_MIN_MACS = 1 << 24  # ~1 ms or more on one core (14-16 GMAC/s measured here)


@nb.njit(cache=True, nogil=True)
def _task(a, bt, fold, out, task, blocks):
    """Output row i, columns j0..j0+width of group g: the folds in order, k in order."""
    rows, depth = a.shape[1], a.shape[2]
    cols = bt.shape[2]
    g = task // (rows * blocks)
    i = (task // blocks) % rows
    j0 = (task % blocks) * COL_BLOCK
    width = min(cols, j0 + COL_BLOCK) - j0
    part = np.empty(width, dtype=np.float32)
    out_row = out[g, i, j0:j0 + width]
    for k0 in range(0, depth, fold):
        part[:] = np.float32(0.0)
        for k in range(k0, min(depth, k0 + fold)):
            a_ik = a[g, i, k]
            b_row = bt[g, k, j0:j0 + width]
            for j in range(width):  # vectorised across j: each j keeps its own k order
                part[j] = part[j] + a_ik * b_row[j]
        for j in range(width):
            out_row[j] = out_row[j] + part[j]


@nb.njit(cache=True, nogil=True)
def _fold_gemm_serial(a, bt, fold, out, tasks, blocks):
    for task in range(tasks):
        _task(a, bt, fold, out, task, blocks)


@nb.njit(cache=True, nogil=True, parallel=True)
def _fold_gemm_parallel(a, bt, fold, out, tasks, blocks):
    for task in nb.prange(tasks):
        _task(a, bt, fold, out, task, blocks)


def fold_gemm(a: np.ndarray, bt: np.ndarray, fold: int) -> np.ndarray:
    """a (G, M, K) @ bt (G, K, N), float32, in folds of `fold` k's: (G, M, N) float32."""
    if a.ndim != 3 or bt.ndim != 3 or a.shape[0] != bt.shape[0] or a.shape[2] != bt.shape[1]:
        raise ValueError(f"fold_gemm: shapes {a.shape} and {bt.shape} do not match")
    if fold < 1:
        raise ValueError(f"fold_gemm: fold must be >= 1, got {fold}")
    (g, m, k), n = a.shape, bt.shape[2]
    out = np.zeros((g, m, n), dtype=np.float32)  # +0.0: where each fold sum is added
    blocks = -(-n // COL_BLOCK)
    run = _fold_gemm_parallel if g * m * n * k >= PARALLEL_MIN_MACS else _fold_gemm_serial
    run(np.ascontiguousarray(a, dtype=np.float32), np.ascontiguousarray(bt, dtype=np.float32),
        int(fold), out, g * m * blocks, blocks)
    return out
