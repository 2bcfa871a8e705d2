"""The generate report: per phase the totals a sizing question needs, per GEMM its roofline.

    time_s = cycles / (clock_mhz * 1e6)       time to first token = prefill time_s
    decode tokens/s = D / decode time_s       energy per token = phase energy / its tokens
DRAM bytes are split into weights, KV cache and activations (gemm_cost.py says which is which).
The vector-unit rows (norms, RoPE, softmax, ...: vector_rows.py) are in `gemms` with precision
'vector' and no roofline point: bound by the vector unit, or by DRAM when their DRAM time is
most of their cycles.
"""

from __future__ import annotations

import dataclasses

from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.hw.technology import technology_entry
from fpxint_sim.llm.gemm_cost import GemmCost
from fpxint_sim.llm.generation import PHASES, Generation
from fpxint_sim.llm.roofline import roofline_point
from fpxint_sim.llm.vector_rows import VECTOR_PRECISION

SCHEMA = "fpxint_sim.generate/1"


def _counters(cost: GemmCost, hw: Accelerator) -> dict:
    r = cost.result
    return {"cycles": r.cycles, "compute_cycles": r.compute_cycles, "stall_cycles": r.stall_cycles,
            "vector_cycles": r.vector_cycles, "macs": r.macs, "vector_ops": r.vector_ops,
            "time_s": r.cycles / (hw.clock_mhz * 1e6),
            "dram_bytes": {"weights": cost.weight_bytes, "kv_cache": cost.kv_bytes,
                           "activations": cost.activation_bytes,
                           "total": r.dram_read_bytes + r.dram_write_bytes},
            "kv_sram_bytes": cost.kv_sram_bytes,
            "energy_pj": dict(r.energy_pj), "energy_total_pj": r.energy_total_pj}


def phase_entry(gen: Generation, phase: str, hw: Accelerator) -> dict:
    """Totals of one phase and its per-token figures."""
    entry = _counters(gen.phase_total(phase), hw)
    tokens = gen.prompt_tokens if phase == "prefill" else gen.new_tokens
    entry["tokens"] = tokens
    entry["tokens_per_s"] = tokens / entry["time_s"] if entry["time_s"] else None
    entry["energy_per_token_j"] = entry["energy_total_pj"] * 1e-12 / tokens
    if phase == "prefill":
        entry["time_to_first_token_s"] = entry["time_s"]
    return entry


def generate_document(gen: Generation, hw: Accelerator, run_info: dict) -> dict:
    """The whole report as JSON-ready data."""
    bw = hw.dram.dram_bw_bytes_per_cycle
    d = gen.decoder
    gemms = []
    for row in gen.rows:
        point = roofline_point(row.cost, bw)
        if row.cost.precision == VECTOR_PRECISION:  # no MACs: bound by the vector unit or DRAM
            r = row.cost.result
            point.update(intensity_macs_per_byte=None, ridge_macs_per_byte=None,
                         bound="DRAM" if r.stall_cycles * 2 > r.cycles else "vector unit")
        gemms.append({"phase": row.phase, "name": row.name, "runs": row.runs,
                      "precision": row.cost.precision, **_counters(row.cost, hw), **point})
    phases = [p for p in PHASES if gen.phase_rows(p)]
    return {
        "schema": SCHEMA,
        "run": {**run_info, "decoder": {k: getattr(d, k) for k in (
            "name", "source", "d_model", "layers", "heads", "kv_heads", "head_dim", "d_ff",
            "vocab", "mlp", "max_context")},
            "prompt_tokens": gen.prompt_tokens, "new_tokens": gen.new_tokens,
            "weights": gen.weights.name, "kv_cache": gen.kv.name, "kv_memory": gen.kv_memory,
            "arithmetic": gen.arith.kind,
            "activation_terms": gen.arith.a_terms if gen.arith.kind == "w4a4" else None,
            "w4a16": None if hw.w4a16 is None else dataclasses.asdict(hw.w4a16),
            "hw": {"name": hw.name, "clock_mhz": hw.clock_mhz, "num_pes": hw.num_pes,
                   "dram_bw_bytes_per_cycle": bw, "dram_type": hw.dram_type}},
        "kv_cache_bytes": gen.kv_cache_bytes,
        "phases": {p: phase_entry(gen, p, hw) for p in phases},
        "gemms": gemms,
        "technology": technology_entry(hw),
    }


def summary_text(doc: dict) -> str:
    """A few lines for the terminal."""
    run = doc["run"]
    lines = [f"{run['decoder']['name']} on {run['hw']['name']}: prompt {run['prompt_tokens']}, "
             f"{run['new_tokens']} new tokens, {run['arithmetic']} weights {run['weights']}, "
             f"KV cache {run['kv_cache']} in {run['kv_memory'].upper()} "
             f"({doc['kv_cache_bytes'] / 2**20:,.1f} MiB)"]
    for name, p in doc["phases"].items():
        b = p["dram_bytes"]
        lines.append(
            f"  {name:8s} {p['cycles']:>16,} cycles ({p['stall_cycles']:,} stall)  "
            f"{p['time_s'] * 1e3:,.3f} ms  {p['tokens_per_s'] or 0:,.1f} tok/s  "
            f"{p['energy_per_token_j'] * 1e3:,.3f} mJ/token  DRAM GiB weights "
            f"{b['weights'] / 2**30:,.3f} kv {b['kv_cache'] / 2**30:,.3f} act "
            f"{b['activations'] / 2**30:,.3f}")
    if "prefill" in doc["phases"]:
        ttft = doc["phases"]["prefill"]["time_to_first_token_s"]
        lines.append(f"  time to first token {ttft * 1e3:,.3f} ms")
    return "\n".join(lines)
