"""Vector-unit ops and copies: op counts by the table, cycles, traffic and energy by hand."""

import dataclasses
import re
from pathlib import Path

import pytest

from fpxint_sim.capture.op_kinds import VECTOR_OPS
from fpxint_sim.hw.schema import (
    Accelerator,
    ArraySpec,
    DramSpec,
    SramSpec,
    VectorUnitSpec,
)
from fpxint_sim.sim.vector_cost import OP_COUNTS, simulate_vector_op, vector_op_count

# energies that are exact in binary, so hand sums compare with ==
HW = Accelerator(name="t", array=ArraySpec(8, 8, "ws"),
                 sram=SramSpec(ofmap_sram_kib=4, sram_read_energy_pj_per_byte=2.0,
                               sram_write_energy_pj_per_byte=3.0),
                 dram=DramSpec(dram_bw_bytes_per_cycle=8, dram_read_energy_pj_per_byte=100.0,
                               dram_write_energy_pj_per_byte=200.0),
                 vector_unit=VectorUnitSpec(vector_ops_per_cycle=16,
                                            vector_energy_pj_per_op=4.5))


def test_every_vector_op_kind_capture_knows_has_an_op_count_with_a_reason():
    assert VECTOR_OPS <= set(OP_COUNTS)
    assert all(row.reason for row in OP_COUNTS.values())


def test_the_documented_table_is_the_code_table():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "performance_model.md").read_text()
    section = doc.split("## 11. Vector-unit ops")[1].split("\n## ")[0]
    documented = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`"):
            for op in re.findall(r"`([^`]+)`", cells[0]):
                documented[op] = (int(cells[1]), int(cells[2]), int(cells[3]), cells[4])
    assert documented == {op: (c.per_out, c.per_in, c.per_window, c.reason)
                          for op, c in OP_COUNTS.items()}


@pytest.mark.parametrize(("op", "inp", "out", "window", "ops"), [
    ("relu", 32, 32, 0, 32), ("add", 64, 32, 0, 32), ("silu", 10, 10, 0, 20),
    ("gelu", 10, 10, 0, 40), ("softmax", 24, 24, 0, 120), ("_safe_softmax", 24, 24, 0, 120),
    ("layer_norm", 24 + 2 * 8, 24, 0, 120), ("rms_norm", 24 + 8, 24, 0, 72),
    ("mean", 49 * 3, 3, 0, 49 * 3), ("sum", 49 * 3, 3, 0, 48 * 3),
    ("max_pool2d", 64, 16, 9, 16 * 8), ("avg_pool2d", 64, 16, 4, 16 * 4),
    ("adaptive_avg_pool2d", 49 * 3, 3, 0, 49 * 3), ("embedding", 1000 + 4, 4 * 16, 0, 0),
    ("var", 30, 3, 0, 90), ("logsumexp", 30, 3, 0, 120), ("maximum", 20, 10, 0, 10)])
def test_op_counts_follow_the_table(op, inp, out, window, ops):
    assert vector_op_count(op, inp, out, window) == ops


def test_an_op_that_fits_on_chip_costs_its_lanes_and_its_buffer_bytes():
    r = simulate_vector_op(HW, "softmax", 96, 96)  # 480 ops, 384 B in and out: on chip
    assert (r.vector_ops, r.vector_cycles, r.cycles, r.stall_cycles) == (480, 30, 30, 0)
    assert (r.ofmap_sram_read_bytes, r.ofmap_sram_write_bytes) == (384, 384)
    assert r.dram_read_bytes == r.dram_write_bytes == 0
    assert r.energy_pj["vector"] == 480 * 4.5
    assert r.energy_pj["ofmap_sram"] == 384 * 2.0 + 384 * 3.0
    assert r.energy_total_pj == 480 * 4.5 + 384 * 5.0


def test_an_op_too_large_for_half_the_ofmap_buffer_streams_through_dram():
    # add of two 512-element tensors: 4096 B in + 2048 B out > 2 KiB (half of 4 KiB)
    r = simulate_vector_op(HW, "add", 1024, 512)
    assert (r.vector_ops, r.vector_cycles) == (512, 32)
    assert (r.dram_read_bytes, r.dram_write_bytes) == (4096, 2048)
    assert r.cycles == (4096 + 2048) // 8 and r.stall_cycles == r.cycles - 32
    assert r.ofmap_sram_read_bytes == 4096 + 2048 and r.ofmap_sram_write_bytes == 2048 + 4096
    assert r.energy_pj["dram"] == 4096 * 100.0 + 2048 * 200.0


def test_a_copy_and_an_embedding_move_their_output_without_arithmetic():
    for r in (simulate_vector_op(HW, "cat", 64, 64, copy=True),
              simulate_vector_op(HW, "embedding", 1000 * 16 + 4, 64)):
        assert (r.vector_ops, r.energy_pj["vector"], r.vector_cycles) == (0, 0.0, 4)
        assert r.ofmap_sram_read_bytes == r.ofmap_sram_write_bytes == 256


def test_doubling_the_vector_unit_width_halves_its_cycles():
    wide = dataclasses.replace(HW, vector_unit=VectorUnitSpec(32, 4.5))  # all fit on chip
    for op, inp, out in (("relu", 160, 160), ("layer_norm", 176, 160), ("gelu", 64, 64)):
        narrow_r, wide_r = simulate_vector_op(HW, op, inp, out), simulate_vector_op(wide, op,
                                                                                    inp, out)
        assert narrow_r.cycles == 2 * wide_r.cycles
        assert narrow_r.energy_pj["vector"] == wide_r.energy_pj["vector"]


def test_an_activation_fused_into_an_epilogue_costs_its_lanes_and_moves_nothing():
    # the same ReLU as the DRAM-streaming add above would spill; fused it moves no byte
    alone = simulate_vector_op(HW, "relu", 2048, 2048)
    fused = simulate_vector_op(HW, "relu", 2048, 2048, fused=True)
    assert alone.dram_read_bytes > 0  # 8 KiB in + 8 KiB out: streams when alone
    assert (fused.vector_ops, fused.vector_cycles, fused.cycles) == (2048, 128, 128)
    assert fused.stall_cycles == 0
    assert (fused.ofmap_sram_read_bytes, fused.ofmap_sram_write_bytes,
            fused.dram_read_bytes, fused.dram_write_bytes) == (0, 0, 0, 0)
    assert fused.energy_pj["vector"] == alone.energy_pj["vector"] == 2048 * 4.5
    assert fused.energy_pj["dram"] == fused.energy_pj["ofmap_sram"] == 0.0
