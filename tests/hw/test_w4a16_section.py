"""The w4a16 section: validated with file:line:key errors, energies from the table when unset."""

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.hw.load import HW_CONFIG_DIR, load_accelerator, parse_yaml_description
from fpxint_sim.tech import nodes, pe

BASE = (HW_CONFIG_DIR / "bitfusion_16x16.yaml").read_text()


def test_absent_section_means_no_float_macs():
    assert parse_yaml_description(BASE, "b.yaml").w4a16 is None


def test_energies_come_from_the_table_at_the_node_or_the_description():
    hw = parse_yaml_description(BASE + "\nw4a16:\n  w4a16_mac: dequant_fp16\n", "b.yaml")
    e = nodes.energy_factor(hw.technology_node_nm)
    assert hw.w4a16.w4a16_mac == "dequant_fp16"
    assert hw.w4a16.fp16_mac_energy_pj == pytest.approx(pe.REFERENCE_MACS["fp16"][0] * e)
    assert hw.w4a16.int4xfp16_mac_energy_pj == pytest.approx(
        pe.REFERENCE_MACS["int4xfp16"][0] * e)
    keys = {k: s for k, _, _, s in hw.technology_figures}
    assert keys["w4a16.fp16_mac_energy_pj"].startswith("table (pe.py")
    given = parse_yaml_description(BASE + "\nw4a16:\n  fp16_mac_energy_pj: 0.9\n", "b.yaml")
    assert given.w4a16.fp16_mac_energy_pj == 0.9
    assert ("w4a16.fp16_mac_energy_pj", 0.9, "pJ/MAC", "description") in given.technology_figures


@pytest.mark.parametrize("section, message", [
    ("  w4a16_mac: dequant\n", "b.yaml:42: key 'w4a16.w4a16_mac': 'dequant' is not one of "
     "int4xfp16, dequant_fp16 (did you mean 'dequant_fp16'?)"),
    ("  activation_format: fp8\n", "b.yaml:42: key 'w4a16.activation_format': 'fp8' is not one"),
    ("  fp16_macs_per_pe_per_cycle: 0\n", "b.yaml:42: key 'w4a16.fp16_macs_per_pe_per_cycle': "
     "must be > 0"),
    ("  int4xfp16_mac_energy_pj: -1\n", "key 'w4a16.int4xfp16_mac_energy_pj': must be >= 0"),
    ("  fp16_rate: 2\n", "b.yaml:42: key 'w4a16.fp16_rate': unknown key"),
    ("  accumulator_format: fp16\n", "b.yaml:42: key 'w4a16.accumulator_format': 'fp16' "
     "accumulators are not supported: the values are emulated bit for bit only with an fp32 "
     "accumulator"),
    ("  accumulator_format: bf16\n", "b.yaml:42: key 'w4a16.accumulator_format': 'bf16' "
     "accumulators are not supported"),
    ("  accumulator_format: fp64\n", "b.yaml:42: key 'w4a16.accumulator_format': 'fp64' is "
     "not one of fp32"),
    ("  accumulation_order: folds\n", "b.yaml:42: key 'w4a16.accumulation_order': 'folds' is "
     "not one of array_folds, sequential (did you mean 'array_folds'?)"),
])
def test_bad_keys_name_file_line_key(section, message):
    with pytest.raises(InputError) as e:
        parse_yaml_description(BASE + "\nw4a16:\n" + section, "b.yaml")
    assert message in str(e.value)


def test_llm_description_loads():
    hw = load_accelerator(HW_CONFIG_DIR / "llm_int4_hbm3.yaml")
    assert hw.num_pes == 128 * 128 and hw.dram_type == "HBM3"
    assert hw.w4a16.w4a16_mac == "int4xfp16"
    text = (HW_CONFIG_DIR / "llm_int4_hbm3.yaml").read_text()
    assert "accumulator_format: fp32" in text and "accumulation_order: array_folds" in text
    assert (hw.w4a16.accumulator_format, hw.w4a16.accumulation_order) == ("fp32",
                                                                          "array_folds")
    assert hw.dram.dram_bw_bytes_per_cycle == pytest.approx(819.2 * 4 * 1000 / 1000)


def test_value_keys_default_to_fp32_array_folds():
    hw = parse_yaml_description(BASE + "\nw4a16:\n  activation_format: bf16\n", "b.yaml")
    assert (hw.w4a16.accumulator_format, hw.w4a16.accumulation_order) == ("fp32",
                                                                          "array_folds")
    assert hw.w4a16.fold_size(16, 100) == 16
    seq = parse_yaml_description(BASE + "\nw4a16:\n  accumulation_order: sequential\n", "b")
    assert seq.w4a16.fold_size(16, 100) == 100 and seq.w4a16.fold_size(16, 0) == 1
