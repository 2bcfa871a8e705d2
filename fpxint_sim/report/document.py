"""The report document (schema `fpxint_sim.report/1`): one plain dict, written as report.json.

layers.csv and report.html are rendered from this dict, so the three files always agree.
Layout (units in key names; cycles are at hw.clock_mhz; latency_us = cycles / clock_mhz):

    schema      "fpxint_sim.report/1"
    run         command, source (model or topology), hw (file and full description),
                expansion settings, assumptions, versions
    units       what the counter names mean
    quality     model runs: accuracy of the expanded model against labels and the float model
    totals      counters of the whole network in the chosen orders (= sum over layers and
                vector rows), `vector_rows`: the vector rows' own sum,
                epilogue ops by kind, overflow_events (null until the engine reports them),
                per_sample latency and energy (model runs: one batch of `samples` inputs)
    headline    derived from totals (`headline`): per inference latency, energy, throughput,
                utilization, the split of the cycles and what bounds the run
    schedule    chosen orders vs the naive order: DRAM bytes, cycles, energy, latency
    layers      per layer: GEMM, terms, pairs, chosen order, counters, epilogue ops, each order's
                summary, and `per_job`: every (i, j) job counted on its own, with the PE
                operand types it was charged as (weight_operand, activation_operand, their
                offsets, precision = the macs_per_pe_per_cycle / mac_energy_pj key, the rate)
                and whether it was charged a zero-point correction (and how many ops)
    vector_rows per vector-unit op and copying data op of the model (model runs), in execution
                order: name, op, kind ('vector' or 'data'), elements in and out, pooling
                window, its counters (fpxint_sim/sim/vector_cost.py: ops by the op table)
    terms       per (i, j): the cost of that job summed over layers (cost per expansion term)
    area        total_mm2 and breakdown_mm2 {component: mm^2} at the description's node
    technology  node_nm, dram_type, figures [{key, value, unit, source}]: every energy, area
                and bandwidth figure in use and where it came from

Counters (from JobResult.to_dict): cycles, compute_cycles, stall_cycles, dram_*_cycles,
vector_cycles, macs, mac_slots, folds, jobs, <buffer>_sram_{read,write}_bytes,
dram_{read,write}_bytes and per operand, vector_ops, energy_pj {component: pJ},
energy_total_pj, utilization; plus latency_us. No wall times: the same command gives the same
document, byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpxint_sim.hw.area import area_entry
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.hw.technology import technology_entry
from fpxint_sim.sim.job import JobResult
from fpxint_sim.sim.schedule import ORDERS
from fpxint_sim.sim.vector_cost import VectorRun
from fpxint_sim.sim.work_sim import LayerRun

SCHEMA = "fpxint_sim.report/1"
SCHEMA_PREFIX = "fpxint_sim.report/"

UNITS = {
    "cycles": "accelerator clock cycles; a job's cycles = max(compute + stall, vector); a "
              "vector row's = max(its vector-unit cycles, its DRAM time)",
    "latency_us": "cycles / clock_mhz, layers run one after another",
    "energy_pj": "picojoules per component (mac, <buffer>_sram, dram, vector, static)",
    "*_bytes": "bytes; INT4 operands pack two per byte, partial sums at accumulator width",
    "utilization": "macs / (cycles x PEs x MACs per PE per cycle)",
    "epilogue_ops": "vector-unit ops (one FP32 multiply-add, compare or round each)",
    "overflow_events": "accumulator overflows of the actual computation; null = not measured",
}


def counters(result: JobResult, clock_mhz: float) -> dict:
    """A JobResult as report fields, with the latency at the clock."""
    d = result.to_dict()
    d["latency_us"] = result.cycles / clock_mhz
    return d


def order_summary(result: JobResult, clock_mhz: float) -> dict:
    """The figures the schedule comparison shows for one order."""
    return {"jobs": result.jobs, "cycles": result.cycles, "stall_cycles": result.stall_cycles,
            "dram_read_bytes": result.dram_read_bytes,
            "dram_write_bytes": result.dram_write_bytes,
            "dram_bytes": result.dram_read_bytes + result.dram_write_bytes,
            "energy_total_pj": result.energy_total_pj, "latency_us": result.cycles / clock_mhz}


def _layer_entry(run: LayerRun, clock_mhz: float, arith) -> dict:
    w = run.work
    return {
        "name": w.name, "kind": w.kind,
        "gemm": {"m": w.gemm.m, "k": w.gemm.k, "n": w.gemm.n,
                 "ifmap_unique_elems": w.gemm.ifmap_unique_elems},
        "groups": w.groups, "w_bits": w.w_bits, "a_bits": w.a_bits,
        "w_terms": w.w_terms, "a_terms": w.a_terms, "pairs": [list(p) for p in w.pairs],
        "order": run.schedule.best_order, "overflow_events": w.overflow_events,
        "epilogue_ops": run.epilogue_totals(),
        **counters(run.chosen, clock_mhz),
        "schedule": {o: order_summary(run.schedule.orders[o], clock_mhz) for o in ORDERS
                     if o in run.schedule.orders},
        "per_job": [{"i": i, "j": j, **_operand_fields(run, (i, j), arith),
                     **counters(r, clock_mhz)} for (i, j), r in run.jobs.items()],
    }


def _operand_fields(run: LayerRun, pair: tuple[int, int], arith) -> dict:
    """How job `pair` was charged: its PE operands, MAC rate and zero-point corrections."""
    op = run.operands[pair]
    w, a = op.weight.operand_type, op.activation.operand_type
    zp_ops = run.epilogue_ops[pair]["zero_point_correction"] * run.work.groups
    return {"weight_operand": w, "weight_offset": op.weight.offset,
            "activation_operand": a, "activation_offset": op.activation.offset,
            "precision": arith.pair_precision(w, a),
            "macs_per_pe_per_cycle": arith.macs_per_cycle(w, a),
            "weight_zero_point": op.weight_zero_point,
            "activation_zero_point": op.activation_zero_point,
            "zero_point_correction": zp_ops > 0, "zero_point_correction_ops": zp_ops}


def _sum_dicts(dicts) -> dict:
    total: dict = {}
    for d in dicts:
        for k, v in d.items():
            total[k] = total.get(k, 0) + v
    return total


def _terms(runs: Sequence[LayerRun], clock_mhz: float) -> list[dict]:
    by_pair: dict[tuple[int, int], JobResult] = {}
    for run in runs:
        for pair, r in run.jobs.items():
            by_pair[pair] = by_pair.get(pair, JobResult()) + r
    return [{"i": i, "j": j, "layers": sum(1 for run in runs if (i, j) in run.jobs),
             **order_summary(r, clock_mhz), "macs": r.macs}
            for (i, j), r in sorted(by_pair.items())]


def hw_entry(hw: Accelerator, hw_file: str) -> dict:
    """The accelerator as run: its file and every number of the description."""
    import dataclasses

    d = dataclasses.asdict(hw)
    d.pop("source_path", None)
    d.pop("technology_figures", None)  # reported once, in the document's `technology`
    return {"file": hw_file, **d, "num_pes": hw.num_pes}


# The run is bound by the largest of these three parts of its cycles. A job takes
# max(compute + stall, vector) cycles, so the vector unit bounds only what exceeds compute + stall.
BOUND_RULE = ("cycles split into compute (array busy: MACs, fill, drain, folds), DRAM stall "
              "(waiting for memory) and vector-unit excess (cycles - compute - stall: where the "
              "epilogue outlasts the array, and the vector-unit ops run between the layers); "
              "the largest part bounds the run")
BOUNDS = {"compute": "compute", "dram_stall": "DRAM", "vector_excess": "vector unit"}
INFERENCE_NOUN = {"digits_cnn": "image", "minilm": "sentence"}


def cycle_split(c: dict) -> dict:
    """Counters (a layer or the totals) -> {compute, dram_stall, vector_excess} cycles."""
    return {"compute": c["compute_cycles"], "dram_stall": c["stall_cycles"],
            "vector_excess": c["cycles"] - c["compute_cycles"] - c["stall_cycles"]}


def bound_of(split: dict) -> str:
    """The largest part of a cycle split (ties: compute, then DRAM, then vector)."""
    return max(split, key=lambda k: (split[k], -list(BOUNDS).index(k)))


def headline(document: dict) -> dict:
    """Per-inference figures and the bound, from the totals alone (old documents too)."""
    t, source = document["totals"], document["run"].get("source") or {}
    count = source.get("samples") or 1
    noun = INFERENCE_NOUN.get(source.get("model") or "", "sample") if source.get("samples") \
        else "inference"
    split = cycle_split(t)
    bound = bound_of(split)
    latency_us = t["latency_us"] / count
    return {"per": noun, "inferences": count, "latency_us": latency_us,
            "energy_pj": t["energy_total_pj"] / count,
            "throughput_per_s": 1e6 / latency_us if latency_us > 0 else None,
            "utilization": t["utilization"], "cycle_split": split,
            "bound": bound, "bound_label": BOUNDS[bound], "bound_rule": BOUND_RULE}


def _vector_entry(v: VectorRun, clock_mhz: float) -> dict:
    return {"name": v.name, "op": v.op, "kind": v.kind, "in_elements": v.in_elements,
            "out_elements": v.out_elements, "window": v.window, "fused_into": v.fused_into,
            **counters(v.result, clock_mhz)}


def build_report(runs: Sequence[LayerRun], hw: Accelerator, run_info: dict,
                 quality: dict | None = None,
                 vector_runs: Sequence[VectorRun] = ()) -> dict:
    """The whole document; `run_info` holds command, source, hw, expansion, versions;
    `vector_runs`: the model's vector-unit ops and copies, run in sequence with the layers."""
    clock = hw.clock_mhz
    vector = sum((v.result for v in vector_runs), JobResult())
    chosen = sum((r.chosen for r in runs), JobResult()) + vector
    naive = sum((r.schedule.naive for r in runs), JobResult()) + vector
    overflow = [r.work.overflow_events for r in runs]
    totals = {
        "layers": len(runs), **counters(chosen, clock),
        "vector_rows": {"rows": len(vector_runs), **counters(vector, clock)},
        "epilogue_ops": _sum_dicts(r.epilogue_totals() for r in runs),
        "overflow_events": None if any(o is None for o in overflow) else sum(overflow),
    }
    samples = (run_info.get("source") or {}).get("samples")
    if samples:  # a model run costs one batch; per sample is what a user compares
        totals["per_sample"] = {"latency_us": chosen.cycles / clock / samples,
                                "energy_total_pj": chosen.energy_total_pj / samples}
    ch, nv = order_summary(chosen, clock), order_summary(naive, clock)
    schedule = {
        "chosen": ch, "naive": nv,
        "dram_bytes_saved": nv["dram_bytes"] - ch["dram_bytes"],
        "cycles_saved": nv["cycles"] - ch["cycles"],
        "orders_chosen": _sum_dicts({r.schedule.best_order: 1} for r in runs),
    }
    document = {"schema": SCHEMA, "run": run_info, "units": UNITS, "quality": quality,
                "totals": totals, "schedule": schedule, "area": area_entry(hw),
                "technology": technology_entry(hw),
                "layers": [_layer_entry(r, clock, hw.arithmetic) for r in runs],
                "vector_rows": [_vector_entry(v, clock) for v in vector_runs],
                "terms": _terms(runs, clock)}
    document["headline"] = headline(document)
    return document
