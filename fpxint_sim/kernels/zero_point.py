"""Zero-point recipe: the raw-operand job plus this correction equals sum (a - za)(b - zb).

sum_k (a - za)(b - zb) = sum_k a b - za * colsum(b) - zb * rowsum(a) + K za zb.
Under wrap the identity also holds modulo 2**acc_bits, so the engine may run the raw job on
the accelerator and add the correction in the epilogue (docs/accumulators.md).
"""

import numpy as np

from fpxint_sim.errors import InputError


def zero_point_correction(a, b, a_zero=0, b_zero=0) -> np.ndarray:
    """int64 (M, N) term to add to gemm(a, b) for operands with zero points.

    a_zero: scalar or per-row (M,); b_zero: scalar or per-column (N,) (per output channel).
    """
    a = np.asarray(a)
    b = np.asarray(b)
    m_rows, k_depth = a.shape
    n_cols = b.shape[1]
    za = np.broadcast_to(np.asarray(a_zero, dtype=np.int64), (m_rows,))
    zb = np.broadcast_to(np.asarray(b_zero, dtype=np.int64), (n_cols,))
    if b.shape[0] != k_depth:
        raise InputError(f"zero_point_correction shapes do not chain: {a.shape} @ {b.shape}")
    row_sums = a.sum(axis=1, dtype=np.int64)
    col_sums = b.sum(axis=0, dtype=np.int64)
    return (-za[:, None] * col_sums[None, :] - row_sums[:, None] * zb[None, :]
            + k_depth * za[:, None] * zb[None, :])
