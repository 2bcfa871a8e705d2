"""SCALE-Sim 3.0.0's operand addresses, demand streams and prefetch order, as Numba functions.

SCALE-Sim (compute/operand_matrix.py, compute/systolic_compute_{ws,os,is}.py) builds three
address matrices for a layer: the im2col ifmap I (M x K, -1 where a window leaves the ifmap), the
filter F (K x N, F[k, n] = n*K + k) and the ofmap O (M x N, O[m, n] = m*N + n). A GEMM row
(M, N, K) is the convolution ifmap M x K, filter 1 x K, 1 channel, N filters, stride 1.

Per fold (column folds outer, row folds inner) each operand's demand is a block B (rows_b x
width) of one of these matrices, preceded by `pre` rows of -1 and, when `skewed`, shifted down
one row per column (the systolic skew); every fold lasts L = mapping.cycles_per_fold rows.
`block_addr` gives B[t, c] for the nine (dataflow, operand) cases (I is looked up in
`ifmap_table`), `stream_shape` rows_b, width,
pre and skewed. The read buffers prefetch a second matrix P in row-major or anti-diagonal order
(`prefetch_shape`, `prefetch_addr`); its valid entries, in that order, are cut into sets of
`elems_per_set` words, and `line_index` records which sets hold each address.

Addresses here are relative to each operand's base (SCALE-Sim adds 0 / 10^7 / 2*10^7), which
changes nothing: each buffer only compares addresses of its own operand.
"""

from __future__ import annotations

import numpy as np
from numba import njit

DATAFLOW_CODE = {"ws": 0, "os": 1, "is": 2}
IFMAP, FILTER, OFMAP = 0, 1, 2
# geometry vector: ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters, stride_h,
# stride_w, M (ofmap pixels), K (window), N, ofmap_w, array rows, array cols, row folds, col folds
G_H, G_W, G_FH, G_FW, G_C, G_NF, G_SH, G_SW, G_M, G_K, G_N, G_EW, G_R, G_CC, G_RF, G_CF = range(16)


@njit(cache=True, inline="always")
def ifmap_addr(g, i, j):
    """I[i, j]: the j-th element of output pixel i's window (SCALE-Sim's calc_ifmap_elem_addr)."""
    orow = i // g[G_EW]
    irow = orow * g[G_SH]
    icol = (i - orow * g[G_EW]) * g[G_SW]
    per_row = g[G_FW] * g[G_C]
    crow = j // per_row
    k = j - crow * per_row
    ccol = k // g[G_C]
    if crow + irow < g[G_H] and ccol + icol < g[G_W]:
        return ((crow * g[G_W] + ccol) * g[G_C] + (k - ccol * g[G_C])
                + (irow * g[G_W] + icol) * g[G_C])
    return -1


@njit(cache=True)
def ifmap_table(g):
    """The whole of I (M x K), computed once per layer: lookups instead of divisions."""
    table = np.empty((g[G_M], g[G_K]), np.int32)
    for i in range(g[G_M]):
        for j in range(g[G_K]):
            table[i, j] = ifmap_addr(g, i, j)
    return table


@njit(cache=True, inline="always")
def filter_addr(g, k, n):
    """F[k, n]."""
    return n * g[G_K] + k


@njit(cache=True, inline="always")
def ofmap_addr(g, m, n):
    """O[m, n]."""
    return m * g[G_N] + n


@njit(cache=True)
def stream_shape(df, op, g):
    """(rows_b, width, pre, skewed) of one operand's per-fold demand block."""
    r, cc, m, k, n = g[G_R], g[G_CC], g[G_M], g[G_K], g[G_N]
    if df == 0:  # ws: rows = K, cols = N, time = M
        if op == IFMAP:
            return m, r, r, True
        if op == FILTER:
            return r, cc, 0, False
        return m, cc, 2 * r - 1, True
    if df == 1:  # os: rows = M, cols = N, time = K
        if op == IFMAP:
            return k, r, 0, True
        if op == FILTER:
            return k, cc, 0, True
        return r, cc, k - 1, True
    # is: rows = K, cols = M, time = N
    if op == IFMAP:
        return r, cc, 0, False
    if op == FILTER:
        return n, r, r, True
    return n, cc, 2 * r - 1, True


@njit(cache=True, inline="always")
def block_addr(df, op, g, itab, fc, fr, t, c):
    """B[t, c] of fold (fc, fr): an address, or -1 (padding past the operand's edge)."""
    r, cc, m, k, n = g[G_R], g[G_CC], g[G_M], g[G_K], g[G_N]
    if df == 0:
        if op == IFMAP:
            j = fr * r + c
            return itab[t, j] if j < k else -1
        if op == FILTER:
            row, col = fr * r + r - 1 - t, fc * cc + c  # the block is flipped upside down
            return filter_addr(g, row, col) if row < k and col < n else -1
        col = fc * cc + c
        return ofmap_addr(g, t, col) if col < n else -1
    if df == 1:
        if op == IFMAP:
            i = fr * r + c
            return itab[i, t] if i < m else -1
        if op == FILTER:
            col = fc * cc + c
            return filter_addr(g, t, col) if col < n else -1
        row, col = fr * r + r - 1 - t, fc * cc + c
        return ofmap_addr(g, row, col) if row < m and col < n else -1
    if op == IFMAP:
        i, j = fc * cc + c, fr * r + r - 1 - t
        return itab[i, j] if i < m and j < k else -1
    if op == FILTER:
        row = fr * r + c
        return filter_addr(g, row, t) if row < k else -1
    i = fc * cc + c
    return ofmap_addr(g, i, t) if i < m else -1


@njit(cache=True)
def prefetch_shape(df, op, g):
    """(rows, cols, diagonal) of the read buffer's prefetch matrix P for ifmap or filter."""
    r, cc, k, n = g[G_R], g[G_CC], g[G_K], g[G_N]
    if df == 0:
        if op == IFMAP:
            return g[G_M] * g[G_RF], r, True
        return k * g[G_CF], cc, False
    if df == 1:
        if op == IFMAP:
            return k * g[G_RF], r, True
        return k * g[G_CF], cc, True
    if op == IFMAP:
        return k * g[G_CF], cc, False
    return n * g[G_RF], r, True


@njit(cache=True, inline="always")
def prefetch_addr(df, op, g, itab, row, c):
    """P[row, c]: the folds of one operand stacked vertically, padded with -1 to the array edge."""
    r, cc, m, k, n = g[G_R], g[G_CC], g[G_M], g[G_K], g[G_N]
    if df == 0:
        if op == IFMAP:
            fr, t = row // m, row % m
            j = fr * r + c
            return itab[t, j] if j < k else -1
        fc, kk = row // k, row % k
        col = fc * cc + c
        return filter_addr(g, kk, col) if col < n else -1
    if df == 1:
        if op == IFMAP:
            fr, t = row // k, row % k
            i = fr * r + c
            return itab[i, t] if i < m else -1
        fc, kk = row // k, row % k
        col = fc * cc + c
        return filter_addr(g, kk, col) if col < n else -1
    if op == IFMAP:
        fc, kk = row // k, row % k
        i = fc * cc + c
        return itab[i, kk] if i < m else -1
    fr, t = row // n, row % n
    i = fr * r + c
    return filter_addr(g, i, t) if i < k else -1


@njit(cache=True)
def prefetch_order(df, op, g, itab):
    """The valid (not -1) entries of P in SCALE-Sim's prefetch order."""
    rows, cols, diagonal = prefetch_shape(df, op, g)
    seq = np.empty(rows * cols, np.int32)
    p = 0
    if diagonal:  # anti-diagonals, each from its lowest row up (create_*_prefetch_mat)
        for d in range(rows + cols - 1):
            for row in range(min(d, rows - 1), max(0, d - cols + 1) - 1, -1):
                a = prefetch_addr(df, op, g, itab, row, d - row)
                if a >= 0:
                    seq[p] = a
                    p += 1
    else:
        for row in range(rows):
            for c in range(cols):
                a = prefetch_addr(df, op, g, itab, row, c)
                if a >= 0:
                    seq[p] = a
                    p += 1
    return seq[:p]


@njit(cache=True)
def line_index(df, op, g, itab, address_space, elems_per_set):
    """Sets of each address (CSR: lines[starts[a]:starts[a + 1]], ascending, no repeats), the
    number of valid prefetch entries and the number of sets (the last one may be empty, as
    read_buffer.prepare_hashed_buffer leaves it)."""
    seq = prefetch_order(df, op, g, itab)
    starts = np.zeros(address_space + 1, np.int32)
    last_set = np.full(address_space, -1, np.int32)
    for p in range(seq.shape[0]):
        a = seq[p]
        if last_set[a] != p // elems_per_set:
            last_set[a] = p // elems_per_set
            starts[a + 1] += 1
    for a in range(address_space):
        starts[a + 1] += starts[a]
    lines = np.empty(starts[address_space], np.int32)
    cursor = starts[:-1].copy()
    last_set[:] = -1
    for p in range(seq.shape[0]):
        a = seq[p]
        if last_set[a] != p // elems_per_set:
            last_set[a] = p // elems_per_set
            lines[cursor[a]] = p // elems_per_set
            cursor[a] += 1
    return starts, lines, seq.shape[0], seq.shape[0] // elems_per_set + 1
