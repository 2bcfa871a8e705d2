"""Where the KV cache lives: DRAM (default) or the description's on-chip kv_sram.

With the cache on chip, an attention GEMM runs out of the KV SRAM: its K/V slices, queries and
scores move between the KV SRAM and the array buffers by the same traffic and stall rules as
DRAM traffic (sim/traffic.py, sim/stalls.py), at the KV SRAM's bandwidth and energy; K and V
projections write their new rows there instead of DRAM. A cache larger than the KV SRAM at the
end of the run is refused (not spilled).
"""

from __future__ import annotations

import dataclasses

from fpxint_sim.errors import InputError
from fpxint_sim.hw.schema import Accelerator, DramSpec, KvSramSpec
from fpxint_sim.sim.job import JobResult

KV_MEMORIES = ("dram", "sram")
DRAM_FIELDS = ("dram_read_bytes", "dram_write_bytes", "ifmap_dram_read_bytes",
               "filter_dram_read_bytes", "ofmap_dram_read_bytes", "ofmap_dram_write_bytes")


def kv_sram_of(hw: Accelerator, memory: str, cache_bytes: int) -> KvSramSpec | None:
    """The KV SRAM to use (None for DRAM); refuses a missing section or a cache that won't fit."""
    if memory not in KV_MEMORIES:
        raise InputError(f"--kv-memory {memory}: choose dram or sram")
    if memory == "dram":
        return None
    where = hw.source_path or hw.name
    if hw.kv_sram is None:
        raise InputError(f"{where}: --kv-memory sram needs a kv_sram section in the description")
    capacity = hw.kv_sram.kv_sram_kib * 1024
    if cache_bytes > capacity:
        raise InputError(f"--kv-memory sram: the KV cache needs {cache_bytes / 2**20:,.2f} MiB at "
                         f"the end of the run; {where} kv_sram holds {capacity / 2**20:,.2f} MiB "
                         "(refused, not spilled: use --kv-memory dram or fewer tokens)")
    return hw.kv_sram


def kv_sram_view(hw: Accelerator, kv: KvSramSpec) -> Accelerator:
    """`hw` whose next memory level is the KV SRAM (bandwidth and energy)."""
    return dataclasses.replace(hw, dram=DramSpec(
        dram_bw_bytes_per_cycle=kv.kv_sram_bw_bytes_per_cycle,
        dram_read_energy_pj_per_byte=kv.kv_sram_read_energy_pj_per_byte,
        dram_write_energy_pj_per_byte=kv.kv_sram_write_energy_pj_per_byte))


def moved_on_chip(result: JobResult) -> tuple[JobResult, int]:
    """A job costed on kv_sram_view: its 'DRAM' bytes and energy relabelled as the KV SRAM's."""
    moved = result.dram_read_bytes + result.dram_write_bytes
    energy = dict(result.energy_pj)
    energy["kv_sram"] = energy.get("kv_sram", 0.0) + energy.pop("dram", 0.0)
    energy["dram"] = 0.0
    return dataclasses.replace(result, energy_pj=energy, **dict.fromkeys(DRAM_FIELDS, 0)), moved


def with_rows_written(result: JobResult, rows_bytes: int, kv: KvSramSpec) -> JobResult:
    """`result` plus the energy of writing the new K/V rows into the KV SRAM."""
    energy = dict(result.energy_pj)
    write = rows_bytes * kv.kv_sram_write_energy_pj_per_byte
    energy["kv_sram"] = energy.get("kv_sram", 0.0) + write
    return dataclasses.replace(result, energy_pj=energy)
