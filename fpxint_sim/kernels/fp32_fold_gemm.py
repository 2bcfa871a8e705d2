"""The W4A16 GEMM kernel: exact fp32 products summed in fp32 in the declared fold order.

out[g, m, n] = sum over folds f ascending (from +0.0) of the fold's partial sum, itself the
sum of a[g, m, k] * bt[g, k, n] over the fold's k ascending (from +0.0); each add rounds to
nearest even in float32. A fold holds `fold` consecutive k's (the last one may be short);
fold >= K is the sequential order (one fold). Every output element is summed in this order
whatever the threads do: rows are split across threads, the order inside a row is fixed.
docs/w4a16.md.
"""

from __future__ import annotations

import numba as nb
import numpy as np

COL_BLOCK = 256  # columns one task sums: its fold partial sums stay in L1 (1 KiB)


@nb.njit(cache=True, parallel=True, nogil=True)
def _fold_gemm(a, bt, fold):
    groups, rows, depth = a.shape
    cols = bt.shape[2]
    out = np.zeros((groups, rows, cols), dtype=np.float32)
    blocks = (cols + COL_BLOCK - 1) // COL_BLOCK
    # Tasks are (row, block of columns): a decode step (one row) still splits across threads.
    for task in nb.prange(groups * rows * blocks):
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
    return out


def fold_gemm(a: np.ndarray, bt: np.ndarray, fold: int) -> np.ndarray:
    """a (G, M, K) @ bt (G, K, N), float32, in folds of `fold` k's: (G, M, N) float32."""
    if a.ndim != 3 or bt.ndim != 3 or a.shape[0] != bt.shape[0] or a.shape[2] != bt.shape[1]:
        raise ValueError(f"fold_gemm: shapes {a.shape} and {bt.shape} do not match")
    if fold < 1:
        raise ValueError(f"fold_gemm: fold must be >= 1, got {fold}")
    return _fold_gemm(np.ascontiguousarray(a, dtype=np.float32),
                      np.ascontiguousarray(bt, dtype=np.float32), int(fold))
