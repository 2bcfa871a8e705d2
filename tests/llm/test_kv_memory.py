"""KV cache on chip: attention runs out of the KV SRAM by the same traffic and stall rules,
nothing of the cache crosses DRAM, and a cache that does not fit is refused."""

import math

import pytest
from llm_hw_fixtures import TOY, tiny_hw

from fpxint_sim.errors import InputError
from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.gemm_cost import Arithmetic
from fpxint_sim.llm.generation import cost_generation

CACHE_BYTES = 2 * 3 * 2 * 8 * (5 + 4) * 1  # int8 cache after 9 tokens: 864 B


def _gen(hw, memory):
    return cost_generation(hw, TOY, 5, 4, parse_format("int4", "w"), parse_format("int8", "kv"),
                           Arithmetic("w4a16"), memory)


def test_on_chip_attention_costs_as_dram_attention_at_the_same_bandwidth():
    # KV SRAM with DRAM's bandwidth and energy: attention cycles and energy are unchanged,
    # only the labels move from DRAM to the KV SRAM.
    dram = _gen(tiny_hw(bw=2.0, kv_sram_kib=1), "dram")
    sram = _gen(tiny_hw(bw=2.0, kv_sram_kib=1, kv_sram_bw=2.0), "sram")
    for phase in ("prefill", "decode"):
        for name in ("attn_qk", "attn_av"):
            d = next(r for r in dram.phase_rows(phase) if r.name == name).cost
            s = next(r for r in sram.phase_rows(phase) if r.name == name).cost
            assert s.result.cycles == d.result.cycles
            assert s.result.energy_total_pj == pytest.approx(d.result.energy_total_pj)
            assert s.result.dram_read_bytes == s.result.dram_write_bytes == 0
            assert s.kv_sram_bytes == d.result.dram_read_bytes + d.result.dram_write_bytes
        assert sram.phase_total(phase).kv_bytes == 0


def test_new_rows_go_to_the_kv_sram_without_a_dram_write():
    dram = _gen(tiny_hw(bw=2.0, kv_sram_kib=1), "dram")
    sram = _gen(tiny_hw(bw=2.0, kv_sram_kib=1), "sram")
    d = next(r for r in dram.phase_rows("decode") if r.name == "k_proj")
    s = next(r for r in sram.phase_rows("decode") if r.name == "k_proj")
    rows = 2 * 8  # one token x kv_heads x head_dim, int8
    assert s.cost.kv_sram_bytes == s.runs * rows and s.cost.kv_bytes == 0
    assert d.cost.result.dram_write_bytes - s.cost.result.dram_write_bytes == s.runs * rows
    assert d.cost.result.cycles - s.cost.result.cycles == s.runs * math.ceil(rows / 2.0)


def test_refused_when_the_cache_does_not_fit_or_there_is_no_kv_sram():
    with pytest.raises(InputError, match="--kv-memory sram: the KV cache needs"):
        _gen(tiny_hw(kv_sram_kib=(CACHE_BYTES - 1) / 1024), "sram")
    _gen(tiny_hw(kv_sram_kib=CACHE_BYTES / 1024), "sram")  # exactly full fits
    with pytest.raises(InputError, match="needs a kv_sram section"):
        _gen(tiny_hw(), "sram")
