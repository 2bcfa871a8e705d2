"""The defaults of a 16x16 INT8 array with 256 KiB of SRAM, pinned to hand computations from
the technology table, and explicit keys overriding them."""

import pytest

from fpxint_sim.hw import parse_yaml_description
from fpxint_sim.hw.area import area_breakdown_mm2

PIN = """name: pin16
technology_node_nm: NODE
dram_type: DRAM
array: {array_rows: 16, array_cols: 16, dataflow: ws}
arithmetic: {weight_types: [int8], activation_types: [int8], macs_per_pe_per_cycle: {int8: 1}}
sram: {ifmap_sram_kib: 64, filter_sram_kib: 128, ofmap_sram_kib: 64, sram_banks: 1}
vector_unit: {vector_ops_per_cycle: 16}
"""
# The hand values below are rounded to 5 significant digits: relative error <= 5e-5.
HAND = 1e-4


def pin(node: int, dram: str, extra: str = ""):
    text = PIN.replace("NODE", str(node)).replace("DRAM", dram) + extra
    return parse_yaml_description(text, "pin16.yaml")


def test_16x16_int8_256kib_defaults_at_45nm_match_the_hand_computation():
    """45 nm, DDR4, 32-bit accumulators, one bank per buffer (64 + 128 + 64 = 256 KiB).

    MAC      INT8 mult 0.2 + INT32 add 0.1 (Horowitz)                         = 0.3 pJ
    SRAM     fit through Horowitz (8 KiB 10, 32 KiB 20, 1024 KiB 100 pJ/64 bit) in log2:
             x = 3, 5, 10; y = 3.32193, 4.32193, 6.64386; b = Sxy/Sxx = 12.2877/26 = 0.47260,
             log2 a = 4.76257 - 6 b = 1.92695, a = 3.8025 pJ
             64 KiB:  3.8025 * 64^0.47260  = 27.144 pJ/64 bit = 3.3930 pJ/byte
             128 KiB: 3.8025 * 128^0.47260 = 37.666 pJ/64 bit = 4.7082 pJ/byte
             one bank: the CACTI bank factor 1 + k (banks - 1) is 1
    DRAM     DDR4: 2 nJ / 64 bit = 250 pJ/byte;   vector op: 3.7 + 0.9 = 4.6 pJ
    PE       mult8 282 + add32 137 + (8 + 8 + 32) bits x 5.98 x (45/40)^2 = 7.5684 um^2/bit
             = 282 + 137 + 363.29 = 782.29 um^2; array 256 PEs = 0.20026 mm^2
    SRAM     CACTI (40 nm) one-bank areas, least squares in ln-ln: x = ln bytes = 6.10479,
             9.01091, 11.53664; y = ln mm^2 = -5.95085, -3.15363, -0.67963; b = Sxy/Sxx =
             14.3367/14.7766 = 0.97023, ln a = -3.26137 - 8.88412 b = -11.88103, a = 6.9205e-6
             64 KiB:  6.9205e-6 * 65536^0.97023  = 0.32602 mm^2 x (45/40)^2 = 0.41262 mm^2
             128 KiB: 6.9205e-6 * 131072^0.97023 = 0.63872 mm^2 x (45/40)^2 = 0.80838 mm^2
    vector   16 lanes x (7700 + 4184) um^2 = 0.19014 mm^2
    total    (0.20026 + 0.41262 + 0.80838 + 0.41262 + 0.19014) x 1.1 = 2.2264 mm^2
    leakage  2.2264e6 um^2 x 80 uW / 6350 um^2 / 1.265625 = 22.162 mW
    """
    hw = pin(45, "DDR4")
    assert hw.arithmetic.mac_energy("int8", "int8") == pytest.approx(0.3, rel=HAND)
    assert hw.sram.energy_pj_per_byte("ifmap", "read") == pytest.approx(3.3930, rel=HAND)
    assert hw.sram.energy_pj_per_byte("filter", "write") == pytest.approx(4.7082, rel=HAND)
    assert hw.sram.energy_pj_per_byte("ofmap", "read") == pytest.approx(3.3930, rel=HAND)
    assert hw.dram.dram_read_energy_pj_per_byte == 250.0
    assert hw.vector_unit.vector_energy_pj_per_op == pytest.approx(4.6, rel=HAND)
    parts = area_breakdown_mm2(hw)
    assert parts["pe_array"] == pytest.approx(0.20026, rel=HAND)
    assert parts["ifmap_sram"] == pytest.approx(0.41262, rel=HAND)
    assert parts["filter_sram"] == pytest.approx(0.80838, rel=HAND)
    assert parts["vector_unit"] == pytest.approx(0.19014, rel=HAND)
    assert sum(parts.values()) == pytest.approx(2.2264, rel=HAND)
    assert hw.static_power_mw == pytest.approx(22.162, rel=HAND)


def test_16x16_int8_256kib_defaults_at_7nm_match_the_hand_computation():
    """7 nm, LPDDR5. Stillmaker & Baas factors from 45 nm at Vdd = 0.8 V:

    energy   E(45) = 1.103 * 0.64 - 0.362 * 0.8 + 0.2767 = 0.69302
             E(7)  = 0.1776 * 0.64 - 0.09097 * 0.8 + 0.02447 = 0.065358
             factor = 0.065358 / 0.69302 = 0.094309;  area factor (45 -> 7 nm) = 0.059
    MAC      0.3 x 0.094309 = 0.028293 pJ;   SRAM 3.3930 x 0.094309 = 0.31999 pJ/byte (64 KiB),
             4.7082 x 0.094309 = 0.44403 pJ/byte (128 KiB);   vector 4.6 x 0.094309 = 0.43382 pJ
    DRAM     LPDDR5: 3.97 pJ/bit x 8 = 31.76 pJ/byte
    area     2.2264 mm^2 x 0.059 = 0.13136 mm^2 (every component scales by the same factor)
    leakage  22.162 mW x 0.094309 = 2.0901 mW (the 45 nm area's leakage, per-device power
             scaled like energy)
    """
    hw = pin(7, "LPDDR5")
    assert hw.arithmetic.mac_energy("int8", "int8") == pytest.approx(0.028293, rel=HAND)
    assert hw.sram.energy_pj_per_byte("ifmap", "read") == pytest.approx(0.31999, rel=HAND)
    assert hw.sram.energy_pj_per_byte("filter", "read") == pytest.approx(0.44403, rel=HAND)
    assert hw.vector_unit.vector_energy_pj_per_op == pytest.approx(0.43382, rel=HAND)
    assert hw.dram.dram_write_energy_pj_per_byte == pytest.approx(31.76, rel=1e-12)
    assert sum(area_breakdown_mm2(hw).values()) == pytest.approx(0.13136, rel=HAND)
    assert hw.static_power_mw == pytest.approx(2.0901, rel=HAND)
    # a named DRAM type sets the bandwidth: one LPDDR5 x16 channel, 12.8 GB/s at 1000 MHz
    assert hw.dram.dram_bw_bytes_per_cycle == pytest.approx(12.8, rel=1e-12)


def test_explicit_keys_override_the_table_and_are_reported_as_given():
    extra = ("dram: {dram_read_energy_pj_per_byte: 11.0, dram_bw_bytes_per_cycle: 64}\n"
             "static_power_mw: 5\narea: {pe_area_um2: 100.0}\n")
    text = PIN.replace("NODE", "7").replace("DRAM", "HBM3").replace(
        "macs_per_pe_per_cycle: {int8: 1}", "macs_per_pe_per_cycle: {int8: 1}, "
        "mac_energy_pj: {int8: 0.04}").replace("sram_banks: 1", "sram_banks: 1, "
                                               "filter_sram_read_energy_pj_per_byte: 1.5")
    hw = parse_yaml_description(text + extra, "mine.yaml")
    default = pin(7, "HBM3")
    assert hw.arithmetic.mac_energy("int8", "int8") == 0.04
    assert hw.sram.energy_pj_per_byte("filter", "read") == 1.5
    # the keys not given still come from the table
    assert hw.sram.energy_pj_per_byte("filter", "write") == default.sram.energy_pj_per_byte(
        "filter", "write")
    assert hw.sram.energy_pj_per_byte("ifmap", "read") == default.sram.energy_pj_per_byte(
        "ifmap", "read")
    assert hw.dram.dram_read_energy_pj_per_byte == 11.0
    assert hw.dram.dram_write_energy_pj_per_byte == default.dram.dram_write_energy_pj_per_byte
    assert hw.dram.dram_bw_bytes_per_cycle == 64
    assert hw.static_power_mw == 5
    assert area_breakdown_mm2(hw)["pe_array"] == pytest.approx(256 * 100.0 / 1e6)
    sources = {k: s for k, _, _, s in hw.technology_figures}
    for key in ("arithmetic.mac_energy_pj.int8", "sram.filter_sram_read_energy_pj_per_byte",
                "dram.dram_read_energy_pj_per_byte", "static_power_mw", "area.pe_area_um2"):
        assert sources[key] == "description"
    assert "horowitz2014" in sources["sram.ifmap_sram_read_energy_pj_per_byte"]
    assert "oconnor2017" in sources["dram.dram_write_energy_pj_per_byte"]


def test_a_shared_sram_energy_applies_to_every_buffer_without_its_own():
    hw = parse_yaml_description(PIN.replace("NODE", "45").replace("DRAM", "DDR4").replace(
        "sram_banks: 1", "sram_banks: 1, sram_read_energy_pj_per_byte: 2.0"), "x.yaml")
    assert {hw.sram.energy_pj_per_byte(b, "read") for b in ("ifmap", "filter", "ofmap")} == {2.0}
    assert hw.sram.energy_pj_per_byte("ifmap", "write") != 2.0  # writes still from the table
