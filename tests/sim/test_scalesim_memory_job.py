"""The SCALE-Sim memory model inside the cost model: simulate_job, the scheduler, its guards."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.hw.schema import Accelerator, ArithmeticSpec, ArraySpec, DramSpec, SramSpec
from fpxint_sim.sim import scalesim_buffers as sb
from fpxint_sim.sim.job import simulate_job
from fpxint_sim.sim.layer_shape import ConvShape, GemmShape
from fpxint_sim.sim.scalesim_memory import conv_of, scalesim_memory_report
from fpxint_sim.sim.schedule import schedule_layer_jobs

CONV = ConvShape(12, 12, 3, 3, 32, 64, 1, 1)


def hw(kib: float = 4, bw: float | None = 4, rows: int = 8, cols: int = 8, df: str = "ws",
       macs: int = 1) -> Accelerator:
    return Accelerator(
        name="t", array=ArraySpec(rows, cols, df),
        arithmetic=ArithmeticSpec(weight_types=("int8", "int4"),
                                  activation_types=("int8", "int4"),
                                  macs_per_pe_per_cycle={"int8": 1, "int4": macs},
                                  mac_energy_pj={"int8": 0.3, "int4": 0.1}),
        sram=SramSpec(kib, kib, kib), dram=DramSpec(dram_bw_bytes_per_cycle=bw))


def test_job_takes_scalesim_counts_of_its_convolution():
    """A convolution's job is SCALE-Sim's layer: cycles, stalls and words are its report's."""
    job = simulate_job(hw(), CONV.as_gemm(), 8, 8, memory_model="scalesim")
    rep = scalesim_memory_report(CONV, 8, 8, "ws", 4096, 4096, 4096, 4)
    assert rep.stall_cycles == 109240  # SCALE-Sim's own COMPUTE_REPORT for this layer
    assert (job.cycles, job.stall_cycles) == (rep.total_cycles, rep.stall_cycles)
    assert job.compute_cycles == 35135  # the mapping's cycles, unchanged
    assert job.ifmap_dram_read_bytes == rep.dram_ifmap_reads == 577536
    assert job.filter_dram_read_bytes == rep.dram_filter_reads
    assert job.dram_write_bytes == job.ofmap_dram_write_bytes == rep.dram_ofmap_writes
    assert job.dram_read_bytes == rep.dram_ifmap_reads + rep.dram_filter_reads
    assert job.ifmap_sram_read_bytes == rep.sram_ifmap_reads
    assert job.ofmap_sram_write_bytes == rep.sram_ofmap_writes


def test_default_memory_model_is_the_models_own():
    shape = CONV.as_gemm()
    assert simulate_job(hw(), shape, 8, 8) == simulate_job(hw(), shape, 8, 8,
                                                           memory_model="fpxint")
    assert simulate_job(hw(), shape, 8, 8).stall_cycles != simulate_job(
        hw(), shape, 8, 8, memory_model="scalesim").stall_cycles


def test_gemm_fits_the_buffers_hand_check():
    """GEMM 5x9x7 on 8x8 ws, 64 KiB, 4 words/cycle: everything fits the active half, so each
    read buffer's only DRAM traffic is its first prefetch of the whole prefetch matrix, padding
    included: ifmap M x row folds x R = 5*2*8 = 80 words, filter K x col folds x C = 9*1*8 = 72;
    no stall; the 2 folds' 35 + 35 outputs drain as 70 words."""
    rep = scalesim_memory_report(conv_of(GemmShape(5, 9, 7)), 8, 8, "ws", 65536, 65536, 65536,
                                 4)
    assert (rep.dram_ifmap_reads, rep.dram_filter_reads, rep.stall_cycles) == (80, 72, 0)
    assert rep.dram_ifmap_start_cycle == -20 and rep.dram_filter_start_cycle == -18
    assert rep.sram_ofmap_writes == rep.dram_ofmap_writes == 70
    assert rep.total_cycles == 53  # 2 folds x (8 + 5 + 8 + 8 - 2) - 1, as in mapping.py


def test_stacking_keeps_what_is_still_a_convolution():
    g = CONV.as_gemm()
    assert g.conv == CONV
    assert g.stacked(filter_copies=3).conv == dataclasses.replace(CONV, num_filters=192)
    assert g.stacked(ifmap_copies=2).conv is None  # stacked ifmaps: a plain GEMM for SCALE-Sim
    assert conv_of(g.stacked(ifmap_copies=2)) == ConvShape(200, 288, 1, 288, 1, 64, 1, 1)


def test_scalesim_schedule_has_no_split_array_order():
    shape = GemmShape(16, 16, 4)
    pairs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert "split_array" in schedule_layer_jobs(hw(), shape, pairs, 8, 8).orders
    sched = schedule_layer_jobs(hw(), shape, pairs, 8, 8, memory_model="scalesim")
    assert set(sched.orders) == {"naive", "weight_stationary", "activation_shared"}


@pytest.mark.parametrize(("acc", "bits", "needle"), [
    (hw(macs=4), 4, "1 MAC per PE"),
    (hw(bw=None), 8, "unlimited"),
    (hw(bw=2.5), 8, "2.5"),
])
def test_cases_scalesim_cannot_express_are_refused(acc, bits, needle):
    with pytest.raises(InputError, match=needle):
        simulate_job(acc, CONV.as_gemm(), bits, bits, memory_model="scalesim")


def test_unknown_memory_model_is_refused():
    with pytest.raises(InputError, match="memory model must be one of fpxint, scalesim"):
        simulate_job(hw(), CONV.as_gemm(), 8, 8, memory_model="cacti")


def test_huge_layer_is_refused_before_any_allocation():
    with pytest.raises(InputError, match="too large"):
        scalesim_memory_report(ConvShape(4000, 4000, 3, 3, 512, 512, 1, 1), 32, 32, "ws",
                               65536, 65536, 65536, 4)


def test_read_miss_without_prefetch_progress_is_reported_not_looped():
    """A miss in a buffer whose window never moves would make SCALE-Sim loop forever."""
    st = np.zeros(10, np.int64)
    st[sb.RB_NL], st[sb.RB_A], st[sb.RB_P], st[sb.RB_EPOCH] = 4, 1, 0, 1
    st[sb.RB_NPL], st[sb.RB_FETCH_ROWS], st[sb.RB_BW] = 1, 1, 1
    starts = np.array([0, 1], np.int64)  # address 0 lives in set 3, outside the window [0, 1)
    lines = np.array([3], np.int32)
    g = np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], np.int64)  # 1x1x1 GEMM
    itab = np.zeros((1, 1), np.int32)
    shape = (1, 1, 0, False)
    _, _, err = sb._serve_reads(st, starts, lines, np.zeros(1, np.int64), 0, sb.FILTER, g,
                                itab, 0, 0, 0, shape, 0)
    assert err == sb.ERR_NO_PROGRESS


@pytest.mark.parametrize("df", ["ws", "os", "is"])
def test_ofmap_column_range_is_where_the_block_has_addresses(df):
    """The write path skips block_addr: its column range must be exactly the valid entries."""
    from fpxint_sim.sim import scalesim_operands as so
    from fpxint_sim.sim.mapping import map_gemm

    conv = ConvShape(7, 6, 3, 2, 3, 11, 1, 2)  # M = 15, K = 18, N = 11: ragged folds
    g = conv.as_gemm()
    rows, cols = 4, 3
    mp = map_gemm(g, rows, cols, df, 1)
    geom = np.array([7, 6, 3, 2, 3, 11, 1, 2, g.m, g.k, g.n, conv.ofmap_w, rows, cols,
                     mp.row_folds, mp.col_folds], np.int64)
    itab = so.ifmap_table(geom)
    code = so.DATAFLOW_CODE[df]
    shape = so.stream_shape(code, so.OFMAP, geom)
    rows_b, width, pre, skewed = shape
    checked = 0
    for fc in range(mp.col_folds):
        for fr in range(mp.row_folds):
            for rl in range(mp.cycles_per_fold):
                lo, hi = sb._ofmap_columns(code, geom, fc, fr, rl, shape)
                valid = [c for c in range(width)
                         if 0 <= (t := rl - pre - c if skewed else rl - pre) < rows_b
                         and so.block_addr(code, so.OFMAP, geom, itab, fc, fr, t, c) >= 0]
                assert valid == list(range(lo, hi)), (fc, fr, rl)
                checked += len(valid)
    assert checked == g.m * g.n * (1 if df == "os" else mp.row_folds)
