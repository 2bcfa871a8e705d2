"""The kv_sram section (on-chip KV-cache store): every key required, errors name file:line:key."""

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.hw.load import HW_CONFIG_DIR, parse_yaml_description

BASE = (HW_CONFIG_DIR / "bitfusion_16x16.yaml").read_text()
FULL = ("\nkv_sram:\n  kv_sram_kib: 65536\n  kv_sram_bw_bytes_per_cycle: 256\n"
        "  kv_sram_read_energy_pj_per_byte: 4\n  kv_sram_write_energy_pj_per_byte: 5\n")


def test_section_loads():
    kv = parse_yaml_description(BASE + FULL, "b.yaml").kv_sram
    assert (kv.kv_sram_kib, kv.kv_sram_bw_bytes_per_cycle, kv.kv_sram_read_energy_pj_per_byte,
            kv.kv_sram_write_energy_pj_per_byte) == (65536, 256, 4, 5)
    assert parse_yaml_description(BASE, "b.yaml").kv_sram is None


@pytest.mark.parametrize("edit, message", [
    (("  kv_sram_write_energy_pj_per_byte: 5\n", ""),
     "b.yaml:41: key 'kv_sram.kv_sram_write_energy_pj_per_byte': missing required key"),
    (("kv_sram_kib: 65536", "kv_sram_kib: 0"), "b.yaml:42: key 'kv_sram.kv_sram_kib': must be > 0"),
    (("kv_sram_bw_bytes_per_cycle: 256", "kv_sram_bw: 256"),
     "b.yaml:43: key 'kv_sram.kv_sram_bw': unknown key"),
])
def test_bad_keys(edit, message):
    with pytest.raises(InputError) as e:
        parse_yaml_description(BASE + FULL.replace(*edit), "b.yaml")
    assert message in str(e.value)
