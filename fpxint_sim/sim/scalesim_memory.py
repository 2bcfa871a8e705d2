"""`--memory-model scalesim`: SCALE-Sim 3.0.0's scratchpads and DRAM traffic for one layer or job.

`scalesim_memory_report` gives, for one SCALE-Sim layer (a convolution, or a GEMM in SCALE-Sim's
conv form), every number of SCALE-Sim's COMPUTE_REPORT, DETAILED_ACCESS_REPORT and
BANDWIDTH_REPORT in USER bandwidth mode (tests/sim/test_scalesim_memory.py checks them against
real runs). `scalesim_job_traffic` turns it into the model's Traffic and stall cycles for
simulate_job.

Units: SCALE-Sim counts words of word_size = 1 byte, whatever the operand: one element of any
operand (INT4, INT8, an accumulator) is one word, a buffer of b bytes holds b words and the
bandwidth B bytes/cycle is B words/cycle on each of the three DRAM ports (ifmap, filter, ofmap).
Our byte counters then hold SCALE-Sim's word counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from functools import lru_cache

from fpxint_sim.errors import InputError
from fpxint_sim.sim.layer_shape import ConvShape, GemmShape
from fpxint_sim.sim.mapping import map_gemm
from fpxint_sim.sim.traffic import Traffic

MEMORY_MODELS = ("fpxint", "scalesim")
# Work bounds, checked before anything is allocated: demand words served (~25 ns each) and
# prefetch-order entries indexed (4-8 bytes each); ResNet-18's largest layer needs < 10^7.
MAX_DEMAND_WORDS = 1_000_000_000
MAX_INDEXED_WORDS = 200_000_000
_WHY = {1: "a read misses and its buffer never prefetches anything new (SCALE-Sim loops "
           "forever)",
        2: "a prefetch is longer than the whole prefetch matrix (SCALE-Sim raises ValueError "
           "in read_buffer.new_prefetch)",
        3: "the ofmap buffer must drain while nothing is queued (SCALE-Sim raises IndexError "
           "in write_buffer.empty_drain_buf)"}


@dataclass(frozen=True)
class ScalesimMemoryReport:
    """One layer's SCALE-Sim report lines (cycles are SCALE-Sim's; counts are words)."""

    total_cycles_incl_prefetch: int
    total_cycles: int
    stall_cycles: int
    sram_ifmap_start_cycle: int
    sram_ifmap_stop_cycle: int
    sram_ifmap_reads: int
    sram_filter_start_cycle: int
    sram_filter_stop_cycle: int
    sram_filter_reads: int
    sram_ofmap_start_cycle: int
    sram_ofmap_stop_cycle: int
    sram_ofmap_writes: int
    dram_ifmap_start_cycle: int
    dram_ifmap_stop_cycle: int
    dram_ifmap_reads: int
    dram_filter_start_cycle: int
    dram_filter_stop_cycle: int
    dram_filter_reads: int
    dram_ofmap_start_cycle: int
    dram_ofmap_stop_cycle: int
    dram_ofmap_writes: int

    def bandwidth_report(self) -> dict[str, float]:
        """BANDWIDTH_REPORT's averages, computed as single_layer_sim.calc_report_data does."""
        out = {}
        for buf in ("ifmap", "filter", "ofmap"):
            count = "writes" if buf == "ofmap" else "reads"
            out[f"avg_{buf}_sram_bw"] = getattr(self, f"sram_{buf}_{count}") / self.total_cycles
        for buf in ("ifmap", "filter", "ofmap"):
            count = "writes" if buf == "ofmap" else "reads"
            span = (float(getattr(self, f"dram_{buf}_stop_cycle"))
                    - float(getattr(self, f"dram_{buf}_start_cycle")) + 1)
            out[f"avg_{buf}_dram_bw"] = getattr(self, f"dram_{buf}_{count}") / span
        return out


def conv_of(shape: GemmShape) -> ConvShape:
    """The SCALE-Sim layer a job is: its convolution, or a GEMM row in SCALE-Sim's conv form
    (ifmap M x K, filter 1 x K, 1 channel, N filters, stride 1)."""
    conv = getattr(shape, "conv", None)
    if conv is not None:
        return conv
    return ConvShape(shape.m, shape.k, 1, shape.k, 1, shape.n, 1, 1)


def _sram_counts(dataflow: str, m: int, k: int, n: int, rows: int, cols: int, rf: int,
                 cf: int) -> tuple[int, int, int]:
    """SRAM reads/writes as SCALE-Sim's compute classes count them (padding included; os adds
    R + C ofmap writes per fold, as systolic_compute_os does)."""
    if dataflow == "ws":
        return m * k * cf, k * n, m * n * rf
    if dataflow == "os":
        return k * m * cf, k * n * rf, m * n + rf * cf * (rows + cols)
    return k * m, n * k * cf, n * m * rf


def _prefetch_sizes(dataflow: str, m: int, k: int, n: int, rows: int, cols: int, rf: int,
                    cf: int) -> tuple[int, int]:
    """Entries of the ifmap and filter prefetch matrices (scalesim_operands.prefetch_shape)."""
    if dataflow == "ws":
        return m * rf * rows, k * cf * cols
    if dataflow == "os":
        return k * rf * rows, k * cf * cols
    return k * cf * cols, n * rf * rows


@lru_cache(maxsize=4096)
def scalesim_memory_report(conv: ConvShape, array_rows: int, array_cols: int, dataflow: str,
                           ifmap_words: int, filter_words: int, ofmap_words: int,
                           bw_words_per_cycle: int) -> ScalesimMemoryReport:
    """SCALE-Sim 3.0.0's reports for one layer in USER bandwidth mode (see module doc)."""
    from fpxint_sim.sim import scalesim_buffers as sb  # Numba only when used
    from fpxint_sim.sim.scalesim_operands import DATAFLOW_CODE

    if min(ifmap_words, filter_words, ofmap_words) < 2 or bw_words_per_cycle < 1:
        raise InputError("SCALE-Sim memory model: every buffer needs at least 2 words and the "
                         "bandwidth at least 1 word/cycle")
    g = conv.as_gemm()
    mp = map_gemm(g, array_rows, array_cols, dataflow, 1)
    rf, cf = mp.row_folds, mp.col_folds
    reads_i, reads_f, writes_o = _sram_counts(dataflow, g.m, g.k, g.n, array_rows, array_cols,
                                              rf, cf)
    indexed = max(*_prefetch_sizes(dataflow, g.m, g.k, g.n, array_rows, array_cols, rf, cf),
                  conv.ifmap_h * conv.ifmap_w * conv.channels, g.m * g.n * rf)
    if reads_i + reads_f + writes_o > MAX_DEMAND_WORDS or indexed > MAX_INDEXED_WORDS:
        raise InputError(f"SCALE-Sim memory model: layer M={g.m} K={g.k} N={g.n} on "
                         f"{array_rows}x{array_cols} {dataflow} is too large to simulate word "
                         f"by word (over {MAX_DEMAND_WORDS:.0e} demand or "
                         f"{MAX_INDEXED_WORDS:.0e} prefetch words)")
    import numpy as np

    geometry = np.array([conv.ifmap_h, conv.ifmap_w, conv.filter_h, conv.filter_w, conv.channels,
                         conv.num_filters, conv.stride_h, conv.stride_w, g.m, g.k, g.n,
                         conv.ofmap_w, array_rows, array_cols, rf, cf], np.int64)
    words = np.array([ifmap_words, filter_words, ofmap_words], np.int64)
    bws = np.full(3, bw_words_per_cycle, np.int64)
    out = sb.simulate_scalesim_layer(DATAFLOW_CODE[dataflow], geometry, mp.cycles_per_fold,
                                     words, bws, g.m * g.n * rf)
    if out[sb.OUT_ERROR]:
        raise InputError(f"SCALE-Sim memory model: SCALE-Sim 3.0.0 itself cannot finish layer "
                         f"M={g.m} K={g.k} N={g.n} on {array_rows}x{array_cols} {dataflow} "
                         f"with these buffers: {_WHY[int(out[sb.OUT_ERROR])]}")
    values = [out[sb.OUT_OVERALL], out[sb.OUT_TOTAL], out[sb.OUT_STALL],
              out[sb.OUT_SRAM_I0], out[sb.OUT_SRAM_I1], reads_i,
              out[sb.OUT_SRAM_F0], out[sb.OUT_SRAM_F1], reads_f,
              out[sb.OUT_SRAM_O0], out[sb.OUT_SRAM_O1], writes_o,
              out[sb.OUT_DRAM_I0], out[sb.OUT_DRAM_I1], out[sb.OUT_DRAM_I],
              out[sb.OUT_DRAM_F0], out[sb.OUT_DRAM_F1], out[sb.OUT_DRAM_F],
              out[sb.OUT_DRAM_O0], out[sb.OUT_DRAM_O1], out[sb.OUT_DRAM_O]]
    return ScalesimMemoryReport(*(int(v) for v in values))


def _words(hw, buffer: str) -> int:
    return math.floor(hw.sram.sram_bytes(buffer))


def scalesim_job_traffic(hw, shape: GemmShape, macs_per_pe: int
                         ) -> tuple[Traffic, ScalesimMemoryReport]:
    """One job as SCALE-Sim would run it as a layer: its traffic (words) and its report."""
    where = hw.source_path or hw.name
    if macs_per_pe != 1:
        raise InputError(f"{where}: --memory-model scalesim needs 1 MAC per PE per cycle "
                         f"(SCALE-Sim has no multi-MAC PEs); this operand pair runs "
                         f"{macs_per_pe} (use 8-bit terms or the default memory model)")
    bw = hw.dram.dram_bw_bytes_per_cycle
    if bw is None or bw != int(bw):
        raise InputError(f"{where}: --memory-model scalesim needs a whole number of DRAM words "
                         f"per cycle (SCALE-Sim's USER bandwidth mode), got "
                         f"{'unlimited' if bw is None else bw}")
    rep = scalesim_memory_report(conv_of(shape), hw.array.array_rows, hw.array.array_cols,
                                 hw.array.dataflow, _words(hw, "ifmap"), _words(hw, "filter"),
                                 _words(hw, "ofmap"), int(bw))
    traffic = Traffic(
        ifmap_sram_read_bytes=rep.sram_ifmap_reads,
        ifmap_sram_write_bytes=rep.dram_ifmap_reads,  # every word fetched is written once
        filter_sram_read_bytes=rep.sram_filter_reads,
        filter_sram_write_bytes=rep.dram_filter_reads,
        ofmap_sram_read_bytes=rep.dram_ofmap_writes,  # the drain reads what it writes out
        ofmap_sram_write_bytes=rep.sram_ofmap_writes,
        ifmap_dram_read_bytes=rep.dram_ifmap_reads,
        filter_dram_read_bytes=rep.dram_filter_reads,
        ofmap_dram_read_bytes=0,  # SCALE-Sim never reads partial sums back from DRAM
        ofmap_dram_write_bytes=rep.dram_ofmap_writes,
    )
    return traffic, rep


REPORT_FIELDS = tuple(f.name for f in fields(ScalesimMemoryReport))
