"""Loading the shipped descriptions and rejecting bad ones with file, line and key."""

from pathlib import Path

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.hw import default_hw_config_path, load_accelerator, parse_yaml_description

CONFIG_DIR = Path(__file__).resolve().parents[2] / "hw_configs"
SHIPPED = sorted(CONFIG_DIR.glob("*.yaml"))
BASE = (CONFIG_DIR / "bitfusion_16x16.yaml").read_text()


def test_every_shipped_description_loads_and_names_its_energy_source():
    names = {p.name for p in SHIPPED}
    assert {"tpu_like_int8_ws_32x32.yaml", "bitfusion_16x16.yaml", "edge_int4_os_8x8.yaml",
            "int8_is_16x16.yaml", "x86_fbgemm.yaml"} <= names
    for path in SHIPPED:
        hw = load_accelerator(path)
        assert hw.name == path.stem
        text = path.read_text()
        assert "Horowitz" in text
        assert "\ntechnology_node_nm: " in text and "\ndram_type: " in text
        assert "\n  sram_banks: " in text
        assert hw.technology_figures and all(src for *_, src in hw.technology_figures)


def test_default_description_is_bitfusion_and_exists():
    path = default_hw_config_path()
    assert path.name == "bitfusion_16x16.yaml" and path.exists()


def test_bitfusion_does_four_int4_macs_per_pe_per_cycle():
    a = load_accelerator(default_hw_config_path()).arithmetic
    assert a.macs_per_cycle("int4", "uint4") == 4
    assert a.macs_per_cycle("int8", "int8") == 1
    assert a.macs_per_cycle("int8", "int4") == 1  # a mixed pair runs as the wider operand


def test_x86_fbgemm_models_u8_s8_pair_saturation_with_int32_wrap():
    a = load_accelerator(CONFIG_DIR / "x86_fbgemm.yaml").arithmetic
    assert a.pair_saturate_int16 and a.accumulator_bits == 32
    assert a.accumulator_overflow == "wrap"
    assert a.activation_types == ("uint8",) and a.weight_types == ("int8",)


def test_per_buffer_energy_overrides_the_shared_sram_energy():
    s = load_accelerator(CONFIG_DIR / "x86_fbgemm.yaml").sram
    assert s.energy_pj_per_byte("filter", "read") == 12.5
    assert s.energy_pj_per_byte("ifmap", "read") == 2.5


BAD = [
    ("accumulator_bits: 32", "acumulator_bits: 32",
     ":25: key 'arithmetic.acumulator_bits': unknown key (did you mean 'accumulator_bits'?)"),
    ("  array_rows: 16\n", "  array_rows: 16\n  ifmap_sram_kib: 4\n",
     ":16: key 'array.ifmap_sram_kib': unknown key here (it belongs in section 'sram')"),
    ("array_rows: 16", "array_rows: sixteen", ":15: key 'array.array_rows': expected a number"),
    ("ofmap_sram_kib: 16", "ofmap_sram_kib: -16", "key 'sram.ofmap_sram_kib': must be > 0"),
    ("array_cols: 16", "array_cols: 0", ":16: key 'array.array_cols': must be > 0, got 0"),
    ("array_cols: 16", "array_cols: 16.5", "key 'array.array_cols': expected an integer"),
    ("dataflow: ws", "dataflow: wss", "unsupported dataflow 'wss'; supported: ws, os, is"),
    ("[int8, uint8, int4, uint4]\n  activation", "[int8, int2]\n  activation",
     "key 'arithmetic.weight_types': unsupported operand type 'int2'"),
    ("    int4: 4 ", "    int2: 4 ", "key 'arithmetic.macs_per_pe_per_cycle.int2': unsupported"),
    ("accumulator_bits: 32", "accumulator_bits: 48", "unsupported width 48"),
    ("overflow: wrap", "overflow: clamp", "'clamp' is not one of wrap, saturate"),
    ("pair_saturate_int16: false", "pair_saturate_int16: 1", "expected true or false"),
    ("  array_cols: 16\n", "  array_cols: 16\n  array_cols: 8\n",
     "'array.array_cols': given twice"),
    ("  array_cols: 16\n", "  array_cols: [16\n", ":17: malformed YAML"),
    ("  array_rows: 16\n", "", ":14: key 'array.array_rows': missing required key"),
    ("clock_mhz: 500", "clock_mhz: .nan", "key 'clock_mhz': expected a finite number"),
    ("dram_bw_bytes_per_cycle: 16", "dram_bw_bytes_per_cycle: 0", "must be > 0"),
    ("technology_node_nm: 45", "technology_node_nm: 22",
     ":10: key 'technology_node_nm': unsupported node 22 nm; supported: 45, 32, 28, 20, 16"),
    ("technology_node_nm: 45", "technology_node_nm: 45.5",
     ":10: key 'technology_node_nm': expected an integer"),
    ("dram_type: DDR4", "dram_type: HBM3E",
     ":11: key 'dram_type': unknown DRAM type 'HBM3E'; supported: DDR4, LPDDR5, HBM2e, HBM3 "
     "(did you mean 'HBM3'?)"),
    ("sram_banks: 1 ", "sram_banks: 0 ", ":33: key 'sram.sram_banks': must be > 0, got 0"),
    ("sram_banks: 1 ", "sram_banks: 100000 ", ":33: key 'sram.sram_banks': must be <= 4096"),
    ("filter_sram_kib: 64", "filter_sram_kib: 4096",
     ":31: key 'sram.filter_sram_kib': filter buffer: 4096 KiB is above the SRAM energy fit's "
     "range (8-1024 KiB per buffer); give its *_sram_{read,write}_energy_pj_per_byte"),
    ("  dram_bw_bytes_per_cycle: 16\n", "  dram_bw_bytes_per_cycle: 16\n  dram_channels: 65\n",
     ":37: key 'dram.dram_channels': must be <= 64, got 65"),
    ("vector_unit:", "area: {interconnect_area_fraction: 1.5}\nvector_unit:",
     ":38: key 'area.interconnect_area_fraction': is a fraction"),
    ("vector_unit:", "area: {pe_area_um2: -3}\nvector_unit:",
     "key 'area.pe_area_um2': must be > 0, got -3"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD, ids=[b[2][:40] for b in BAD])
def test_bad_description_gives_one_error_naming_file_and_key(old, new, message):
    assert old in BASE
    with pytest.raises(InputError) as err:
        parse_yaml_description(BASE.replace(old, new, 1), "hw_configs/mine.yaml")
    text = str(err.value)
    assert text.startswith("hw_configs/mine.yaml")
    assert message in text
    assert "\n" not in text


def test_pair_saturation_without_u8_s8_operands_is_rejected():
    text = BASE.replace("pair_saturate_int16: false", "pair_saturate_int16: true").replace(
        "activation_types: [int8, uint8, int4, uint4]", "activation_types: [int8]")
    with pytest.raises(InputError, match="needs uint8 in activation_types"):
        parse_yaml_description(text, "x.yaml")


def test_missing_table_entry_for_an_accepted_precision_is_rejected():
    # an explicit mac_energy_pj must cover every precision the operand types use
    text = BASE.replace("  accumulator_bits: 32", "  mac_energy_pj: {int8: 0.3}\n"
                        "  accumulator_bits: 32")
    with pytest.raises(InputError, match="mac_energy_pj': no entry for int4"):
        parse_yaml_description(text, "x.yaml")


def test_missing_file_and_empty_file_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_accelerator(tmp_path / "nope.yaml")
    (tmp_path / "empty.yaml").write_text("")
    with pytest.raises(InputError, match="empty accelerator description"):
        load_accelerator(tmp_path / "empty.yaml")


def test_optional_sections_take_documented_defaults(tmp_path):
    path = tmp_path / "min.yaml"
    path.write_text("name: tiny\narray: {array_rows: 2, array_cols: 3}\n")
    hw = load_accelerator(path)
    assert hw.array.dataflow == "ws" and hw.num_pes == 6
    assert hw.dram.dram_bw_bytes_per_cycle is None  # unlimited, like SCALE-Sim's CALC mode
    assert hw.arithmetic.mac_energy("int8", "int8") == pytest.approx(0.2 + 0.1)  # Horowitz INT8 MAC
