"""layers.csv: one row per layer of a report document (the chosen order's counters), then one
per vector-unit op or copy (`kind` vector or data, `op` the op; no GEMM, terms or order;
`fused_into`: the layer whose epilogue applies the activation)."""

from __future__ import annotations

import csv
import io

from fpxint_sim.sim.energy import ENERGY_COMPONENTS

SCALAR_COLUMNS = (
    "name", "kind", "op", "m", "k", "n", "groups", "w_bits", "a_bits", "w_terms", "a_terms", "jobs",
    "order", "macs", "cycles", "compute_cycles", "stall_cycles", "vector_cycles", "utilization",
    "latency_us", "ifmap_sram_read_bytes", "ifmap_sram_write_bytes", "filter_sram_read_bytes",
    "filter_sram_write_bytes", "ofmap_sram_read_bytes", "ofmap_sram_write_bytes",
    "dram_read_bytes", "dram_write_bytes", "vector_ops", "energy_total_pj",
    "naive_cycles", "naive_dram_bytes", "overflow_events", "fused_into")
COLUMNS = (*SCALAR_COLUMNS, *(f"energy_{c}_pj" for c in ENERGY_COMPONENTS))


def layer_row(layer: dict) -> dict:
    """The CSV row of one `layers` entry of the document."""
    row = {c: layer.get(c) for c in SCALAR_COLUMNS}
    row.update(layer["gemm"])
    row.pop("ifmap_unique_elems", None)
    row["naive_cycles"] = layer["schedule"]["naive"]["cycles"]
    row["naive_dram_bytes"] = layer["schedule"]["naive"]["dram_bytes"]
    row["overflow_events"] = "" if layer["overflow_events"] is None else layer["overflow_events"]
    row["fused_into"] = ""
    for c in ENERGY_COMPONENTS:
        row[f"energy_{c}_pj"] = layer["energy_pj"].get(c, 0.0)
    return row


def vector_row(entry: dict) -> dict:
    """The CSV row of one `vector_rows` entry of the document."""
    row = {c: entry.get(c, "") for c in SCALAR_COLUMNS}
    row["overflow_events"] = ""
    for c in ENERGY_COMPONENTS:
        row[f"energy_{c}_pj"] = entry["energy_pj"].get(c, 0.0)
    return row


def layers_csv_text(document: dict) -> str:
    """CSV text with a header line; floats written with repr (round-trip exact)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for layer in document["layers"]:
        writer.writerow(layer_row(layer))
    for entry in document.get("vector_rows", []):
        writer.writerow(vector_row(entry))
    return buf.getvalue()
