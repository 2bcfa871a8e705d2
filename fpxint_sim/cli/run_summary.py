"""The terminal summary of a run: one line per layer, one for the vector-unit ops between the
layers (summed), totals, and the job-order comparison."""

from __future__ import annotations

from fpxint_sim.report.text_table import format_table, model_label

MAX_ROWS = 40  # longer networks: first and last layers, the rest summed in the total


def _row(name, ly: dict) -> list[str]:
    return [name, f"{ly['jobs']}", ly.get("order", ""), f"{ly['macs']:,}", f"{ly['cycles']:,}",
            f"{ly['stall_cycles']:,}", f"{100 * ly['utilization']:.1f}",
            f"{(ly['dram_read_bytes'] + ly['dram_write_bytes']) / 1024:,.1f}",
            f"{ly['energy_total_pj'] / 1e3:,.1f}", f"{ly['latency_us']:,.2f}"]


def format_quality(q: dict) -> str:
    """One line of output quality: labelled accuracy, embedding metrics or agreement."""
    parts = []
    if "accuracy" in q:
        parts.append(f"accuracy {q['accuracy']:.4f} (float {q['float_accuracy']:.4f})")
    if "top1_agreement" in q:
        parts.append(f"top-1 agreement {q['top1_agreement']:.4f}")
    if "min_cosine" in q:
        parts.append(f"mean cosine {q['mean_cosine']:.7f} (min {q['min_cosine']:.7f})")
    elif "mean_cosine" in q:
        parts.append(f"mean cosine {q['mean_cosine']:.7f}")
    if "nn_agreement" in q:
        parts.append(f"NN agreement {q['nn_agreement']:.4f}")
    if "max_abs_error" in q:
        parts.append(f"max abs error {q['max_abs_error']:.3g}")
    sqnr = q.get("sqnr_db", 0.0)
    parts.append("SQNR inf (identical)" if sqnr is None else f"SQNR {sqnr:.1f} dB")
    return ", ".join(parts)


def format_run_summary(doc: dict) -> str:
    """Plain-text table of a report document."""
    run, layers = doc["run"], doc["layers"]
    hw = run["hw"]
    header = ["layer", "jobs", "order", "MACs", "cycles", "stall", "util %", "DRAM KiB",
              "energy nJ", "latency us"]
    shown = layers if len(layers) <= MAX_ROWS else layers[:MAX_ROWS // 2] + layers[-5:]
    rows = [_row(ly["name"], ly) for ly in shown]
    if len(shown) < len(layers):
        rows.insert(MAX_ROWS // 2, [f"... {len(layers) - len(shown)} more layers"] + [""] * 9)
    vector = doc["totals"].get("vector_rows") or {}
    if vector.get("rows"):  # the float ops between the layers, summed (report.html lists them)
        rows.append(_row(f"{vector['rows']} vector ops", {**vector, "jobs": "", "order": ""}))
    rows.append(_row("TOTAL", {**doc["totals"], "order": ""}))
    sched = doc["schedule"]
    ch, nv = sched["chosen"], sched["naive"]
    lines = [f"{run['source']['name']} on {hw['name']} ({hw['array']['array_rows']}x"
             f"{hw['array']['array_cols']} {hw['array']['dataflow']}, {hw['clock_mhz']:g} MHz), "
             f"{run['expansion']['label']}",
             format_table(header, rows),
             f"job order: chosen {ch['dram_bytes'] / 1024:,.1f} KiB DRAM, {ch['cycles']:,} "
             f"cycles vs naive {nv['dram_bytes'] / 1024:,.1f} KiB, {nv['cycles']:,} cycles",
             *_energy_and_area(doc)]
    if doc.get("quality"):
        q = doc["quality"]
        per = doc["totals"]["per_sample"]
        lines.append(f"per sample: {per['latency_us']:,.2f} us, "
                     f"{per['energy_total_pj'] / 1e3:,.1f} nJ")
        lines.append(f"outputs: {format_quality(q)} on {run['source']['samples']} samples")
    if run["source"].get("weights"):
        lines.append("model: " + model_label(run["source"]["description"],
                                                 run["source"]["weights"]))
    return "\n".join(lines)


def _energy_and_area(doc: dict) -> list[str]:
    """Where the energy goes, and the silicon it runs on (node, DRAM type, area by part)."""
    lines = []
    energy = doc["totals"].get("energy_pj") or {}
    total = sum(energy.values())
    if total > 0:
        lines.append("energy: " + ", ".join(
            f"{k} {v / 1e6:,.3g} uJ ({100 * v / total:.0f} %)" for k, v in energy.items() if v))
    area, tech = doc.get("area"), doc.get("technology")
    if area and tech:
        parts = ", ".join(f"{k} {v:.3g}" for k, v in area["breakdown_mm2"].items())
        lines.append(f"area: {area['total_mm2']:.3g} mm^2 at {tech['node_nm']} nm with "
                     f"{tech['dram_type']} ({parts}); figure sources in report.json technology")
    return lines
