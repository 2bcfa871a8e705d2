"""report.html: a self-contained page (inline CSS, figures as base64 PNG) from a report document."""

from __future__ import annotations

import base64
import html
import json

STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;font-size:13px;margin:0.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f0f0f0}
figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:0.3em}img{max-width:100%}
code{background:#f4f4f4;padding:1px 4px}.note{color:#666;font-size:13px}"""


def _fmt(v) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _table(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _run_section(doc: dict) -> str:
    run = doc["run"]
    hw = run.get("hw", {})
    array = hw.get("array", {})
    rows = [["command", run.get("command", "")],
            ["source", json.dumps(run.get("source", {}))],
            ["accelerator", f"{hw.get('name')} ({hw.get('file')}): "
                            f"{array.get('array_rows')}x{array.get('array_cols')} "
                            f"{array.get('dataflow')}, {hw.get('clock_mhz')} MHz"],
            ["expansion", run.get("expansion", {}).get("label", "")],
            ["versions", ", ".join(f"{k} {v}" for k, v in run.get("versions", {}).items() if v)]]
    rows += [["assumption", a] for a in run.get("assumptions", [])]
    return "<h2>Run</h2>" + _table(["", ""], rows)


def _totals_section(doc: dict) -> str:
    t, s = doc["totals"], doc["schedule"]
    rows = [[k, t[k]] for k in ("layers", "jobs", "macs", "cycles", "compute_cycles",
                                "stall_cycles", "vector_cycles", "latency_us", "utilization",
                                "dram_read_bytes", "dram_write_bytes", "energy_total_pj",
                                "overflow_events")]
    rows += [[f"energy {k} (pJ)", v] for k, v in t["energy_pj"].items()]
    rows += [[f"epilogue ops: {k}", v] for k, v in t["epilogue_ops"].items()]
    sched = _table(["order", "jobs", "cycles", "stall cycles", "DRAM bytes", "energy (pJ)",
                    "latency (us)"],
                   [[name, o["jobs"], o["cycles"], o["stall_cycles"], o["dram_bytes"],
                     o["energy_total_pj"], o["latency_us"]]
                    for name, o in (("naive", s["naive"]), ("chosen", s["chosen"]))])
    quality = ""
    if doc.get("quality"):
        quality = "<h2>Outputs of the run</h2>" + _table(
            ["metric", "value"], [[k, v] for k, v in doc["quality"].items()])
    return ("<h2>Totals (chosen job orders)</h2>" + _table(["", ""], rows) + quality
            + "<h2>Job order: chosen vs naive</h2>" + sched
            + f"<p class=note>orders chosen per layer: {html.escape(str(s['orders_chosen']))}</p>")


def _layers_section(doc: dict) -> str:
    rows = [[ly["name"], f"{ly['gemm']['m']}x{ly['gemm']['k']}x{ly['gemm']['n']}"
             + (f" x{ly['groups']}g" if ly["groups"] > 1 else ""),
             f"{ly['w_terms']}x{ly['a_terms']}", ly["jobs"], ly["order"], ly["macs"],
             ly["cycles"], ly["stall_cycles"], f"{100 * ly['utilization']:.1f} %",
             ly["dram_read_bytes"] + ly["dram_write_bytes"], ly["energy_total_pj"],
             ly["latency_us"], ly["schedule"]["naive"]["cycles"],
             ly["schedule"]["naive"]["dram_bytes"]] for ly in doc["layers"]]
    return "<h2>Layers</h2>" + _table(
        ["layer", "GEMM MxKxN", "terms w x a", "jobs", "order", "MACs", "cycles", "stall",
         "util.", "DRAM bytes", "energy (pJ)", "latency (us)", "naive cycles",
         "naive DRAM bytes"], rows)


def report_html(doc: dict, figures: list[tuple[str, bytes]]) -> str:
    """The page; `figures` are (title, PNG bytes) embedded as data URIs."""
    title = f"fpxint_sim report: {doc['run'].get('source', {}).get('name', '')}"
    if figures:
        figs = "".join(
            f"<figure><figcaption>{html.escape(t)}</figcaption><img alt='{html.escape(t)}' "
            f"src='data:image/png;base64,{base64.b64encode(png).decode()}'></figure>"
            for t, png in figures)
    else:
        figs = "<p class=note>No plots: the report has no layers.</p>"
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p class=note>schema {html.escape(doc['schema'])}; the numbers are in report.json "
            f"and layers.csv next to this page.</p>"
            + _run_section(doc) + _totals_section(doc) + "<h2>Plots</h2>" + figs
            + _layers_section(doc) + "</body></html>\n")
