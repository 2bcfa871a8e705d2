"""The technology table's rules: SRAM fit and its range, node scaling, PE datapaths, DRAM."""

import math
from pathlib import Path

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.tech import logic45, memory, nodes, pe

DOC = " ".join((Path(__file__).resolve().parents[2] / "docs" / "energy_area.md").read_text()
               .split())


def test_sram_fit_is_the_least_squares_line_through_horowitz_points_in_log_log():
    xs = [math.log(k) for k in memory.SRAM_POINTS_64BIT_READ_PJ]
    ys = [math.log(v) for v in memory.SRAM_POINTS_64BIT_READ_PJ.values()]
    mx, my = sum(xs) / 3, sum(ys) / 3
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    assert memory.SRAM_FIT_EXPONENT == pytest.approx(b, rel=1e-12)
    assert memory.SRAM_FIT_A_PJ == pytest.approx(math.exp(my - b * mx), rel=1e-12)
    # docs/energy_area.md states the fit's quality ("within 2.2 % of each point"): that
    # statement is the largest residual rounded up to 0.1 %, so the page changes with the data
    worst = max(abs(memory.sram_energy_pj_per_byte_45nm(kib, 1, "x")[0] * 8 / pj - 1)
                for kib, pj in memory.SRAM_POINTS_64BIT_READ_PJ.items())
    assert math.ceil(1000 * worst) == 22
    assert "within 2.2 % of each point" in DOC


def test_sram_buffers_below_the_fit_are_flagged_and_above_it_refused():
    e2, below = memory.sram_energy_pj_per_byte_45nm(2, 1, "x")
    e8, _ = memory.sram_energy_pj_per_byte_45nm(8, 1, "x")
    assert below and e2 == e8  # the fit's smallest size: an upper bound for a 2 KiB buffer
    assert not memory.sram_energy_pj_per_byte_45nm(1024, 1, "x")[1]
    with pytest.raises(InputError, match="above the SRAM energy fit's range"):
        memory.sram_energy_pj_per_byte_45nm(2048, 16, "x")  # banks do not widen the range


def test_sram_area_fits_the_cacti_points_and_flags_extrapolation():
    worst = 0.0
    for (size, banks, _), (_, _, mm2) in memory.CACTI_40NM.items():
        if banks == 1:
            um2, outside = memory.sram_area_um2_45nm(size / 1024, 1)
            worst = max(worst, abs(um2 / memory.AREA_40_TO_45 / 1e6 / mm2 - 1))
            assert not outside
    # the page's "within 1.6 % of each CACTI point" is the largest residual, rounded up
    assert math.ceil(1000 * worst) == 16
    assert "within 1.6 % of each CACTI point" in DOC
    assert memory.sram_area_um2_45nm(256, 1)[1]  # 256 KiB: beyond 100 KiB, flagged


def test_bank_factors_are_the_least_squares_slopes_over_the_banked_cacti_points():
    # (banks - 1, banked / one-bank - 1): energy (1, 0.18732), (15, 0.07667), (31, 0.15045)
    assert memory.BANK_ENERGY_SLOPE == pytest.approx(
        (0.18732 + 15 * 0.07667 + 31 * 0.15045) / (1 + 225 + 961), rel=1e-4)
    assert memory.BANK_AREA_SLOPE == pytest.approx(
        (0.42394 + 15 * 0.29715 + 31 * 0.52754) / 1187, rel=1e-4)


def test_more_banks_cost_more_energy_per_access_and_more_area():
    e1, _ = memory.sram_energy_pj_per_byte_45nm(256, 1, "x")
    e16, _ = memory.sram_energy_pj_per_byte_45nm(256, 16, "x")
    assert e16 == pytest.approx(e1 * (1 + 15 * memory.BANK_ENERGY_SLOPE))
    assert memory.sram_area_um2_45nm(256, 4)[0] > memory.sram_area_um2_45nm(256, 1)[0]


def test_node_factors_are_one_at_45nm_and_shrink_with_the_node():
    assert nodes.energy_factor(45) == 1.0 and nodes.area_factor(45) == 1.0
    order = [45, 32, 28, 20, 16, 14, 10, 7]
    assert [nodes.energy_factor(n) for n in order] == sorted(
        (nodes.energy_factor(n) for n in order), reverse=True)
    assert nodes.area_factor(28) == pytest.approx(0.46 + (0.21 - 0.46) * 4 / 12)
    with pytest.raises(InputError, match="unsupported node 22 nm"):
        nodes.area_factor(22)


def test_bit_fusion_int4_mac_uses_the_fused_tree_and_narrow_operands_use_the_wide_multiplier():
    fused = pe.datapaths({"int8": 1, "int4": 4})
    # 4 x 4 products, tree adders of 2*4 + log2(4) = 10 bits: 0.03 + 0.02 * 2/8 = 0.035 pJ
    assert fused["int4"].mac_energy_pj(32) == pytest.approx(0.05 + 0.75 * 0.035 + 0.1 / 4)
    assert fused["int8"].mac_energy_pj(32) == pytest.approx(0.3)
    extended = pe.datapaths({"int8": 1, "int4": 1})
    assert extended["int4"].mac_energy_pj(32) == pytest.approx(0.3)  # runs in the INT8 mult
    native = pe.datapaths({"int4": 1})
    assert native["int4"].mac_energy_pj(16) == pytest.approx(0.05 + 0.05)
    # four 4x4 multipliers are the area of one 8x8 (quadratic rule) plus three 10-bit adders
    assert fused["int4"].area_um2() == pytest.approx(282 + 3 * (36 + (137 - 36) * 2 / 24))


def test_reference_macs_and_logic_interpolation():
    assert pe.REFERENCE_MACS["int8"][0] == pytest.approx(0.3)
    assert pe.REFERENCE_MACS["int2"][0] == pytest.approx(0.2 / 16 + 0.1)
    assert pe.REFERENCE_MACS["fp16"] == pytest.approx((2.0, 1640 + 4184))
    assert logic45.add_energy_pj(24) == pytest.approx(0.075)
    assert logic45.mult_area_um2(4) == pytest.approx(282 / 4)


def test_dram_bandwidths_are_data_rate_times_width():
    assert memory.DRAM_TYPES["DDR4"].bandwidth_gb_per_s == pytest.approx(3.2 * 64 / 8)
    assert memory.DRAM_TYPES["LPDDR5"].bandwidth_gb_per_s == pytest.approx(6.4 * 16 / 8)
    assert memory.DRAM_TYPES["HBM2e"].bandwidth_gb_per_s == pytest.approx(3.6 * 1024 / 8)
    assert memory.DRAM_TYPES["HBM3"].bandwidth_gb_per_s == pytest.approx(6.4 * 1024 / 8)
    for t in memory.DRAM_TYPES.values():
        assert t.energy_source and t.bandwidth_source
