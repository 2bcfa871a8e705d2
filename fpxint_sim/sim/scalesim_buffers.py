"""SCALE-Sim 3.0.0's double-buffered scratchpads in USER bandwidth mode, row by row, in Numba.

The rules, read from memory/double_buffered_scratchpad_mem.py, read_buffer.py and
write_buffer.py, are reproduced with their quirks (docs/performance_model.md, "SCALE-Sim's
memory model"):

* Demand rows are served in order; row i is issued at cycle i + (stalls so far). Per row the
  ifmap buffer, the filter buffer and the ofmap buffer are served, and the row's stall is the
  largest of the three: read stall = offset - 1, write stall = offset.
* Read buffer (ifmap, filter): the prefetch order is cut into sets of ceil(words / 100) words;
  the active window holds A sets, each new prefetch moves it on by P sets (cyclically). A demand
  address not in the window triggers new prefetches until it is: each costs
  ceil(prefetch words / bw) * bw DRAM reads and moves `last` (the cycle the prefetch lands) on by
  ceil(prefetch words / bw) + 1; then pot = last - (cycle + offset), offset += pot, and once
  more if pot > 0 (SCALE-Sim adds a positive stall twice and a negative one once).
  The first row prefetches min(ceil(active words / bw), fetch rows) * bw words, landing at -1.
* Write buffer (ofmap): words fill lines of bw; when free space drops under the active half and
  no drain is running, the open line is closed and up to ceil(drain words / bw) lines drain,
  one per cycle, counting lines * bw words minus the empty slots of the last line only; a full
  buffer during a drain stalls until the drain ends. After the last row everything drains.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fpxint_sim.sim import scalesim_operands as so
from fpxint_sim.sim.scalesim_operands import FILTER, IFMAP, OFMAP, block_addr

# read buffer state
# (RB_EPOCH counts window moves: an address found in the window stays a hit until the next move)
(RB_START, RB_LAST, RB_ACCESS, RB_NL, RB_A, RB_P, RB_NPL, RB_FETCH_ROWS, RB_BW,
 RB_EPOCH) = range(10)
# write buffer state
(WB_FREE, WB_LINE, WB_DRAIN_END, WB_DSTART, WB_NLINES, WB_ACCESS, WB_DRAM_START, WB_DRAM_STOP,
 WB_BW, WB_ACTIVE, WB_LTF, WB_ERROR) = range(12)
# result vector
(OUT_TOTAL, OUT_STALL, OUT_OVERALL, OUT_SRAM_I0, OUT_SRAM_I1, OUT_SRAM_F0, OUT_SRAM_F1,
 OUT_SRAM_O0, OUT_SRAM_O1, OUT_DRAM_I0, OUT_DRAM_I1, OUT_DRAM_I, OUT_DRAM_F0, OUT_DRAM_F1,
 OUT_DRAM_F, OUT_DRAM_O0, OUT_DRAM_O1, OUT_DRAM_O, OUT_ERROR) = range(19)
OUT_SIZE = 19
# why SCALE-Sim itself cannot finish the layer (OUT_ERROR)
ERR_NO_PROGRESS, ERR_SHORT_FETCH, ERR_EMPTY_DRAIN = 1, 2, 3
NO_CYCLE = np.iinfo(np.int64).min


@njit(cache=True)
def _ceil_div(a, b):
    return -(-a // b)


@njit(cache=True)
def _read_buffer(df, op, g, itab, words, bw):
    """Sets of the prefetch order and the buffer state before the first row."""
    active = _ceil_div(words, 2)
    prefetch = words - active
    per_set = _ceil_div(words, 100)
    space = g[so.G_H] * g[so.G_W] * g[so.G_C] if op == IFMAP else g[so.G_K] * g[so.G_N]
    starts, lines, _valid, n_sets = so.line_index(df, op, g, itab, space, per_set)
    rows, cols, _diag = so.prefetch_shape(df, op, g)
    st = np.zeros(10, np.int64)
    st[RB_EPOCH] = 1
    st[RB_NL] = n_sets
    st[RB_A] = min(_ceil_div(active, per_set), n_sets)
    st[RB_P] = min(_ceil_div(prefetch, per_set), n_sets - st[RB_A])
    st[RB_NPL] = _ceil_div(prefetch, bw)
    st[RB_FETCH_ROWS] = _ceil_div(rows * cols, bw)
    st[RB_BW] = bw
    first = min(_ceil_div(active, bw), st[RB_FETCH_ROWS])
    st[RB_ACCESS] = first * bw
    st[RB_LAST] = -1  # the first prefetch lands the cycle before row 0
    known_hit = np.zeros(space, np.int32)  # epoch of its last hit (< 2^31: MAX_DEMAND_WORDS)
    return st, starts, lines, known_hit, -first


@njit(cache=True, inline="always")
def _in_window(st, starts, lines, a):
    if st[RB_A] >= st[RB_NL]:
        return True
    for q in range(starts[a], starts[a + 1]):
        d = lines[q] - st[RB_START]
        if d < 0:
            d += st[RB_NL]
        if d < st[RB_A]:
            return True
    return False


@njit(cache=True, inline="always")
def _columns(rl, rows_b, width, pre, skewed):
    """Columns of demand row rl that fall inside the block (others are -1)."""
    if skewed:
        return max(0, rl - pre - rows_b + 1), min(width, rl - pre + 1)
    if 0 <= rl - pre < rows_b:
        return 0, width
    return 0, 0


@njit(cache=True, inline="always")
def _serve_reads(st, starts, lines, known_hit, df, op, g, itab, fc, fr, rl, shape,
                 cycle):
    """One demand row of a read buffer: (offset, row had an address, error)."""
    rows_b, width, pre, skewed = shape
    offset = 1
    seen = False
    lo, hi = _columns(rl, rows_b, width, pre, skewed)
    for c in range(lo, hi):
        a = block_addr(df, op, g, itab, fc, fr, rl - pre - c if skewed else rl - pre, c)
        if a < 0:
            continue
        seen = True
        if known_hit[a] == st[RB_EPOCH]:
            continue
        tries = 0
        while not _in_window(st, starts, lines, a):
            if st[RB_P] == 0 or tries > st[RB_NL]:
                return offset, seen, ERR_NO_PROGRESS
            if st[RB_NPL] > st[RB_FETCH_ROWS]:
                return offset, seen, ERR_SHORT_FETCH
            tries += 1
            st[RB_EPOCH] += 1
            st[RB_START] = (st[RB_START] + st[RB_P]) % st[RB_NL]
            st[RB_ACCESS] += st[RB_NPL] * st[RB_BW]
            st[RB_LAST] += st[RB_NPL] + 1
            pot = st[RB_LAST] - (cycle + offset)
            offset += pot
            if pot > 0:
                offset += pot
        known_hit[a] = st[RB_EPOCH]
    return offset, seen, 0


@njit(cache=True)
def _drain(wb, fills, start_cycle):
    """Drain up to WB_LTF closed lines starting at start_cycle; returns the last cycle used."""
    n = min(wb[WB_LTF], wb[WB_NLINES] - wb[WB_DSTART])
    if n <= 0:
        wb[WB_ERROR] = ERR_EMPTY_DRAIN
        return start_cycle
    data = n * wb[WB_BW] - (wb[WB_BW] - fills[wb[WB_DSTART] + n - 1])
    wb[WB_ACCESS] += data
    wb[WB_FREE] += data
    wb[WB_DSTART] += n
    end = start_cycle + n - 1
    if wb[WB_DRAM_START] == NO_CYCLE or start_cycle < wb[WB_DRAM_START]:
        wb[WB_DRAM_START] = start_cycle
    wb[WB_DRAM_STOP] = max(wb[WB_DRAM_STOP], end)
    wb[WB_DRAIN_END] = end
    return end


@njit(cache=True, inline="always")
def _close_line(wb, fills):
    if wb[WB_LINE] != 0:
        fills[wb[WB_NLINES]] = wb[WB_LINE]
        wb[WB_NLINES] += 1
        wb[WB_LINE] = 0


@njit(cache=True, inline="always")
def _ofmap_columns(df, g, fc, fr, rl, shape):
    """Columns of ofmap demand row rl holding an address: O has no holes, so the block's bounds
    and the operand's edge (block_addr's checks) give one contiguous range."""
    rows_b, width, pre, skewed = shape
    lo, hi = _columns(rl, rows_b, width, pre, skewed)
    if df == 1:  # os: B[t, c] = O[fr*R + R-1-t, fc*C + c], t = rl - pre - c
        hi = min(hi, g[so.G_N] - fc * g[so.G_CC],
                 rl - pre - fr * g[so.G_R] - g[so.G_R] + 1 + g[so.G_M])
    else:  # ws: O[t, fc*C + c]; is: O[fc*C + c, t]
        hi = min(hi, (g[so.G_N] if df == 0 else g[so.G_M]) - fc * g[so.G_CC])
    return lo, max(lo, hi)


@njit(cache=True, inline="always")
def _serve_writes(wb, fills, df, g, fc, fr, rl, shape, cycle):
    """One demand row of the ofmap buffer: (cycle it completes, row had an address)."""
    current = cycle
    lo, hi = _ofmap_columns(df, g, fc, fr, rl, shape)
    for _ in range(lo, hi):
        wb[WB_LINE] += 1
        wb[WB_FREE] -= 1
        if wb[WB_LINE] == wb[WB_BW]:
            _close_line(wb, fills)
        if current < wb[WB_DRAIN_END]:
            if wb[WB_FREE] <= 0:
                current = wb[WB_DRAIN_END]
        elif wb[WB_FREE] < wb[WB_ACTIVE]:
            _close_line(wb, fills)
            _drain(wb, fills, current)
    return current, hi > lo


@njit(cache=True)
def simulate_scalesim_layer(df, g, cycles_per_fold, words, bws, max_writes):
    """Serve every demand row of one layer; returns the OUT_* vector (see module doc)."""
    out = np.zeros(OUT_SIZE, np.int64)
    itab = so.ifmap_table(g)
    ist, istarts, ilines, ihit, out[OUT_DRAM_I0] = _read_buffer(df, IFMAP, g, itab, words[0],
                                                                bws[0])
    fst, fstarts, flines, fhit, out[OUT_DRAM_F0] = _read_buffer(df, FILTER, g, itab, words[1],
                                                                bws[1])
    wb = np.zeros(12, np.int64)
    wb[WB_FREE] = words[2]
    wb[WB_BW] = bws[2]
    wb[WB_ACTIVE] = _ceil_div(words[2], 2)
    wb[WB_LTF] = _ceil_div(words[2] - wb[WB_ACTIVE], bws[2])
    wb[WB_DRAM_START] = NO_CYCLE
    wb[WB_DRAM_STOP] = NO_CYCLE
    fills = np.zeros(max_writes + 2, np.int32)
    ishape = so.stream_shape(df, IFMAP, g)
    fshape = so.stream_shape(df, FILTER, g)
    oshape = so.stream_shape(df, OFMAP, g)
    for k in (OUT_SRAM_I0, OUT_SRAM_F0, OUT_SRAM_O0):
        out[k] = NO_CYCLE
    row = 0
    stall = 0
    total = NO_CYCLE
    done = 0
    off_f, seen_f = 1, False
    for fc in range(g[so.G_CF]):
        for fr in range(g[so.G_RF]):
            for rl in range(cycles_per_fold):
                cycle = row + stall
                off_i, seen_i, err = _serve_reads(ist, istarts, ilines, ihit, df, IFMAP, g,
                                                  itab, fc, fr, rl, ishape, cycle)
                if err == 0:
                    off_f, seen_f, err = _serve_reads(fst, fstarts, flines, fhit, df, FILTER,
                                                      g, itab, fc, fr, rl, fshape, cycle)
                if err != 0 or wb[WB_ERROR] != 0:
                    out[OUT_ERROR] = err if err != 0 else wb[WB_ERROR]
                    return out
                done, seen_o = _serve_writes(wb, fills, df, g, fc, fr, rl, oshape, cycle)
                for seen, at, first in ((seen_i, cycle + off_i, OUT_SRAM_I0),
                                        (seen_f, cycle + off_f, OUT_SRAM_F0),
                                        (seen_o, done, OUT_SRAM_O0)):
                    if seen:
                        if out[first] == NO_CYCLE:
                            out[first] = at
                        out[first + 1] = at
                stall += max(off_i - 1, off_f - 1, done - cycle)
                total = max(total, done)
                row += 1
    _close_line(wb, fills)  # empty_all_buffers: drain everything, one chunk after the other
    at = done
    while wb[WB_DSTART] < wb[WB_NLINES] and wb[WB_ERROR] == 0:
        at = _drain(wb, fills, at) + 1
    out[OUT_ERROR] = wb[WB_ERROR]
    out[OUT_TOTAL] = total
    out[OUT_STALL] = stall
    out[OUT_DRAM_I1], out[OUT_DRAM_I] = ist[RB_LAST], ist[RB_ACCESS]
    out[OUT_DRAM_F1], out[OUT_DRAM_F] = fst[RB_LAST], fst[RB_ACCESS]
    out[OUT_DRAM_O0], out[OUT_DRAM_O1], out[OUT_DRAM_O] = (
        wb[WB_DRAM_START], wb[WB_DRAM_STOP], wb[WB_ACCESS])
    out[OUT_OVERALL] = wb[WB_DRAM_STOP] - min(out[OUT_DRAM_I0], out[OUT_DRAM_F0])
    return out
