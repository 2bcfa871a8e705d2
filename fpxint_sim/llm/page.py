"""The generate report's files: report.json, gemms.csv and report.html (shared templates)."""

from __future__ import annotations

import csv
import io
import json

from fpxint_sim.report.templating import png_data_uri, render_page

GEMM_COLUMNS = ("phase", "name", "runs", "precision", "cycles", "stall_cycles", "macs",
                "vector_ops", "weights_bytes", "kv_cache_bytes", "activations_bytes",
                "kv_sram_bytes", "energy_total_pj", "intensity_macs_per_byte",
                "ridge_macs_per_byte", "bound", "stall_fraction")
GENERATE_FILES = ("report.json", "gemms.csv", "report.html")


def _flat(g: dict) -> dict:
    b = g["dram_bytes"]
    return {**g, "weights_bytes": b["weights"], "kv_cache_bytes": b["kv_cache"],
            "activations_bytes": b["activations"]}


def gemms_csv(doc: dict) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, GEMM_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for g in doc["gemms"]:
        w.writerow(_flat(g))
    return out.getvalue()


def report_html(doc: dict, plots: bool = True) -> str:
    from fpxint_sim.llm.roofline import roofline_png

    run = doc["run"]
    figures = []
    if plots:
        for phase in doc["phases"]:
            pts = [g for g in doc["gemms"] if g["phase"] == phase and g["precision"] != "vector"]
            figures.append({"id": f"roofline-{phase}", "title": f"Roofline, {phase}",
                            "note": "one dot per GEMM of the phase (all its runs)",
                            "src": png_data_uri(roofline_png(
                                pts, run["hw"]["dram_bw_bytes_per_cycle"], phase))})
    return render_page("generate.html.j2", title=f"{run['decoder']['name']} generation on "
                       f"{run['hw']['name']}", doc=doc, run=run, figures=figures,
                       gemms=[_flat(g) for g in doc["gemms"]])


def report_files(doc: dict, plots: bool = True) -> dict[str, str]:
    return {"report.json": json.dumps(doc, indent=1), "gemms.csv": gemms_csv(doc),
            "report.html": report_html(doc, plots)}
