"""Traffic, stalls, energy and result sums of one job, checked against hand counts."""

import dataclasses
from pathlib import Path

import pytest

from fpxint_sim.hw import load_accelerator
from fpxint_sim.hw.schema import Accelerator, ArithmeticSpec, ArraySpec, DramSpec, SramSpec
from fpxint_sim.sim import GemmShape, JobResult, map_gemm, simulate_job
from fpxint_sim.sim.stalls import dram_stalls
from fpxint_sim.sim.traffic import job_traffic, packed_bytes

CONFIGS = Path(__file__).resolve().parents[2] / "hw_configs"
BIG = 1 << 30


def _ws8(**sram) -> Accelerator:
    return Accelerator(name="t", array=ArraySpec(8, 8, "ws"), sram=SramSpec(**sram),
                       arithmetic=ArithmeticSpec(weight_types=("int8", "int4"),
                                                 activation_types=("int8", "int4"),
                                                 macs_per_pe_per_cycle={"int8": 1, "int4": 1},
                                                 mac_energy_pj={"int8": 0.3, "int4": 0.1}))


def test_int4_packs_two_per_byte():
    assert packed_bytes(9, 4) == 5 and packed_bytes(9, 8) == 9 and packed_bytes(3, 32) == 12


def test_sram_reads_repeat_per_fold_of_the_missing_dimension():
    # ws 8x8, M=K=N=16: K along rows (2 folds), N along cols (2 folds), M in time.
    shape = GemmShape(m=16, k=16, n=16)
    mp = map_gemm(shape, 8, 8, "ws")
    t = job_traffic(shape, mp, 8, 8, 8, 32, 32, BIG, BIG, BIG)
    assert t.ifmap_sram_read_bytes == 16 * 16 * 2  # ifmap lacks N: once per N fold
    assert t.filter_sram_read_bytes == 16 * 16  # filter lacks M, which is in time: once
    assert t.ofmap_sram_write_bytes == 256 * 2 * 4  # partial sums of 2 K folds, int32
    assert t.ofmap_sram_read_bytes == 256 * 1 * 4 + 256 * 4  # read-back + drain to DRAM
    assert (t.ifmap_dram_read_bytes, t.filter_dram_read_bytes) == (256, 256)
    assert (t.ofmap_dram_read_bytes, t.ofmap_dram_write_bytes) == (0, 256 * 4)


def test_small_buffers_refetch_and_spill_partial_sums():
    shape = GemmShape(m=16, k=16, n=16)
    mp = map_gemm(shape, 8, 8, "ws")
    # ifmap 256 B > half of 256 B: fetched once per N fold. ofmap: one N fold's partials
    # (16 x 8 int32 = 512 B) > half of 512 B: spilled and read back once.
    t = job_traffic(shape, mp, 8, 8, 8, 32, 32, 256, BIG, 512)
    assert t.ifmap_dram_read_bytes == 256 * 2
    assert t.filter_dram_read_bytes == 256
    assert t.ofmap_dram_read_bytes == 1024
    assert t.ofmap_dram_write_bytes == 1024 + 1024


def test_output_stationary_keeps_filter_slice_across_row_folds():
    # os: M=32 along rows (4 folds), N=16 along cols, K=8 in time. The filter lacks M (the
    # inner loop): the resident part is one column fold's slice, K x 8 = 64 B.
    shape = GemmShape(m=32, k=8, n=16)
    mp = map_gemm(shape, 8, 8, "os")
    fits = job_traffic(shape, mp, 8, 8, 8, 32, 32, BIG, 128, BIG)
    spills = job_traffic(shape, mp, 8, 8, 8, 32, 32, BIG, 127, BIG)
    assert fits.filter_dram_read_bytes == 128 and spills.filter_dram_read_bytes == 128 * 4
    assert fits.ofmap_sram_write_bytes == 32 * 16 * 4  # K in time: no partial sums


def test_double_buffered_stall_model_by_hand():
    # 4 folds of 10 cycles, 400 B read, 80 B written, 4 B/cycle:
    # prologue 400/4/4 = 25, epilogue 80/4/4 = 5, steady 3 * (120/4 - 10) = 60.
    s = dram_stalls(4, 10, 400, 80, 4)
    assert (s.dram_prologue_cycles, s.dram_steady_stall_cycles, s.dram_epilogue_cycles) == (
        25, 60, 5)
    assert s.stall_cycles == 90
    assert dram_stalls(4, 10, 400, 80, None).stall_cycles == 0
    assert dram_stalls(4, 100, 400, 80, 4).dram_steady_stall_cycles == 0  # hidden


def test_job_energy_components_by_hand():
    hw = dataclasses.replace(_ws8(), static_power_mw=30, clock_mhz=500,
                             dram=DramSpec(dram_read_energy_pj_per_byte=100,
                                           dram_write_energy_pj_per_byte=200))
    r = simulate_job(hw, GemmShape(m=16, k=16, n=16), 8, 8, epilogue_ops=256)
    assert r.macs == 4096
    assert r.energy_pj["mac"] == pytest.approx(4096 * 0.3)
    assert r.energy_pj["ifmap_sram"] == pytest.approx((512 + 256) * 2.5)
    assert r.energy_pj["dram"] == pytest.approx(512 * 100 + 1024 * 200)
    assert r.energy_pj["vector"] == pytest.approx(256 * 4.6)
    # 30 mW for cycles / 500 MHz microseconds: 1 mW * 1 us = 1000 pJ
    assert r.energy_pj["static"] == pytest.approx(30 * r.cycles / 500 * 1000)
    assert r.energy_total_pj == pytest.approx(sum(r.energy_pj.values()))


def test_unlimited_bandwidth_job_takes_the_scalesim_cycles():
    r = simulate_job(_ws8(), GemmShape(m=5, k=9, n=7))
    assert (r.cycles, r.compute_cycles, r.stall_cycles) == (53, 53, 0)
    assert r.utilization == pytest.approx(5 * 9 * 7 / (53 * 64))


def test_limited_bandwidth_adds_stalls_to_cycles():
    hw = dataclasses.replace(_ws8(), dram=DramSpec(dram_bw_bytes_per_cycle=1))
    r = simulate_job(hw, GemmShape(m=64, k=64, n=64))
    assert r.stall_cycles > 0 and r.cycles == r.compute_cycles + r.stall_cycles
    assert r.stall_cycles >= r.dram_prologue_cycles + r.dram_epilogue_cycles


def test_int4_on_bitfusion_is_four_times_fewer_array_steps():
    hw = load_accelerator(CONFIGS / "bitfusion_16x16.yaml")
    hw = dataclasses.replace(hw, dram=DramSpec())  # unlimited bandwidth
    shape = GemmShape(m=64, k=256, n=64)
    r8, r4 = simulate_job(hw, shape, 8, 8), simulate_job(hw, shape, 4, 4)
    assert r4.compute_cycles < r8.compute_cycles / 3
    assert r4.ifmap_sram_read_bytes * 2 == r8.ifmap_sram_read_bytes


def test_an_operand_wider_than_every_pe_type_is_an_input_error():
    from fpxint_sim.errors import InputError

    hw = load_accelerator(CONFIGS / "edge_int4_os_8x8.yaml")  # int4 weights only
    with pytest.raises(InputError, match="weight terms are int8, which no weight type"):
        simulate_job(hw, GemmShape(4, 4, 4), 8, 4)


def test_narrow_terms_run_in_the_narrowest_wider_pe_type_at_its_rate_and_energy():
    # x86/fbgemm takes u8 x s8 only: INT4 terms run as INT8 operands, as the engine feeds them.
    hw = load_accelerator(CONFIGS / "x86_fbgemm.yaml")
    as4 = simulate_job(hw, GemmShape(16, 64, 16), 4, 4)
    as8 = simulate_job(hw, GemmShape(16, 64, 16), 8, 8)
    assert as4.compute_cycles == as8.compute_cycles
    assert as4.energy_pj["mac"] == as8.energy_pj["mac"]


def test_results_sum_field_by_field():
    hw = _ws8()
    a, b = simulate_job(hw, GemmShape(5, 9, 7)), simulate_job(hw, GemmShape(16, 16, 16), 4, 4)
    total = sum([a, b])
    assert total.jobs == 2 and total.cycles == a.cycles + b.cycles
    assert total.dram_read_bytes == a.dram_read_bytes + b.dram_read_bytes
    assert total.energy_pj["mac"] == pytest.approx(a.energy_pj["mac"] + b.energy_pj["mac"])
    assert total.utilization == pytest.approx((a.macs + b.macs) / (a.mac_slots + b.mac_slots))
    assert JobResult() + a == a
    assert set(total.to_dict()) >= {"cycles", "utilization", "energy_total_pj", "energy_pj"}
