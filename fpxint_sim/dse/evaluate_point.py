"""One sweep point: the performance model over the model's layers under the point's
accelerator and expansion, joined with the (cached) error and overflow events of the recorded
run it reads (fpxint_sim/dse/model_workload.py), and the accelerator's area at its node
(fpxint_sim/hw/area.py)."""

from __future__ import annotations

from fpxint_sim.dse.run_store import value_type
from fpxint_sim.dse.space import SweepPoint, sram_kib
from fpxint_sim.engine.overflow_bound import may_overflow
from fpxint_sim.hw.area import total_area_mm2
from fpxint_sim.sim.job import JobResult
from fpxint_sim.sim.vector_cost import simulate_vector_ops
from fpxint_sim.sim.work_sim import simulate_network_work

ENERGY_KINDS = ("mac", "ifmap_sram", "filter_sram", "ofmap_sram", "dram", "vector", "static")
# The result columns of a row, after the point's settings, with the type points.csv stores.
METRIC_COLUMNS = {
    "w_bits": "int", "a_bits": "int", "w_terms": "int", "error": "float",
    "top1_agreement": "float", "accuracy": "float", "overflow_events": "int", "int_jobs": "int",
    "a_terms_max": "int",
    "pes": "int", "sram_kib": "float", "macs": "int", "cycles": "float",
    "stall_cycles": "float", "latency_us": "float", "energy_uj": "float",
    "naive_cycles": "float", "naive_energy_uj": "float", "dram_bytes": "float",
    "utilization": "float", "area_mm2": "float", "inferences_per_s_per_mm2": "float",
    "inferences_per_s_per_w": "float", **{f"energy_{kind}_uj": "float" for kind in ENERGY_KINDS},
}


def row_columns(hw_axes: dict, expansion_axes: dict) -> dict[str, str]:
    """Every column of a sweep's rows, in order, with its declared type (run_store.TYPES)."""
    return {"point_id": "str",
            **{f"hw.{k}": value_type(v) for k, v in hw_axes.items()},
            **{f"exp.{k}": value_type(v) for k, v in expansion_axes.items()},
            **METRIC_COLUMNS}


def point_row(point: SweepPoint, workload: dict) -> dict:
    """The result row of one point: settings, error metrics, cycles, latency, energy, traffic."""
    cfg, hw = point.expansion, point.hw
    events = workload["overflow_events"]
    if events is None:  # the BLAS run stands for the accelerator only where the bound holds
        if may_overflow(workload["works"], hw):
            raise RuntimeError(f"{point.point_id}: the accumulators of {hw.name} may overflow; "
                               "the point needs its engine run")
        events = 0
    runs = simulate_network_work(hw, workload["works"])
    # the vector-unit ops between the layers, costed on this accelerator as `run` costs them
    vector = sum((v.result for v in simulate_vector_ops(hw, workload.get("vector_ops", ()))),
                 JobResult())
    total = sum((r.chosen for r in runs), JobResult()) + vector
    naive_total = sum((r.schedule.naive for r in runs), JobResult()) + vector
    jobs = sum(len(r.work.pairs) * r.work.groups for r in runs)
    n = workload["samples"]  # the batch ran as one; costs are per inference
    row = {"point_id": point.point_id}
    row.update({f"hw.{k}": v for k, v in point.hw_settings.items()})
    row.update({f"exp.{k}": v for k, v in point.expansion_settings.items()})
    row.update({
        "w_bits": cfg.w_bits, "a_bits": cfg.a_bits, "w_terms": cfg.w_terms,
        "error": workload["error"], "top1_agreement": workload["top1_agreement"],
        "accuracy": workload["accuracy"], "overflow_events": events, "int_jobs": jobs,
        "a_terms_max": max(w.a_terms for w in workload["works"]),
        "pes": hw.num_pes, "sram_kib": sram_kib(hw), "macs": total.macs // n,
        "cycles": total.cycles / n, "stall_cycles": total.stall_cycles / n,
        "latency_us": total.cycles / n / hw.clock_mhz,
        "energy_uj": total.energy_total_pj / n / 1e6,
        "naive_cycles": naive_total.cycles / n,
        "naive_energy_uj": naive_total.energy_total_pj / n / 1e6,
        "dram_bytes": (total.dram_read_bytes + total.dram_write_bytes) / n,
        "utilization": total.utilization,
    })
    # silicon and efficiency: inferences/s per mm^2, and inferences/s per W (= per joule)
    area = total_area_mm2(hw)
    per_s = 1e6 / row["latency_us"] if row["latency_us"] > 0 else 0.0
    row.update({"area_mm2": area, "inferences_per_s_per_mm2": per_s / area,
                "inferences_per_s_per_w": 1e6 / row["energy_uj"] if row["energy_uj"] else 0.0})
    for kind in ENERGY_KINDS:
        row[f"energy_{kind}_uj"] = total.energy_pj.get(kind, 0.0) / n / 1e6
    return row
