"""report.html: the page of one run, rendered from its report document (templates/report)."""

from __future__ import annotations

from pathlib import Path

from fpxint_sim.report.document import BOUNDS, bound_of, cycle_split, headline
from fpxint_sim.report.labels import (
    EPILOGUE_OPS,
    EXPANSION,
    JOB_ORDERS,
    JOB_ORDERS_SHORT,
    QUALITY,
    dataflow_label,
    human,
)
from fpxint_sim.report.plots import ENERGY_NAMES, component_color
from fpxint_sim.report.share_bar import share_bar
from fpxint_sim.report.templating import png_data_uri, render_page
from fpxint_sim.report.units import binary_bytes, energy_unit, num, percent, time_unit
from fpxint_sim.sim.energy import ENERGY_COMPONENTS


def page_energy_unit(doc: dict) -> tuple[str, float]:
    """The page's one energy unit: readable for the energy per inference."""
    return energy_unit(headline(doc)["energy_pj"])


def _headline_cards(doc: dict, head: dict, e_unit, t_unit) -> list[dict]:
    per = head["per"]
    split = head["cycle_split"]
    total = sum(split.values()) or 1
    cards = [
        {"id": "headline-latency", "label": f"latency per {per}",
         "value": num(head["latency_us"] / t_unit[1]), "unit": t_unit[0],
         "detail": (f"batch of {head['inferences']:,} run as one: "
                    f"{num(doc['totals']['latency_us'] / t_unit[1])} {t_unit[0]}")
         if head["inferences"] > 1 else "layers run one after another"},
        {"id": "headline-energy", "label": f"energy per {per}",
         "value": num(head["energy_pj"] / e_unit[1]), "unit": e_unit[0],
         "detail": f"whole run {num(doc['totals']['energy_total_pj'] / e_unit[1])} {e_unit[0]}"},
        {"id": "headline-throughput", "label": "throughput",
         "value": num(head["throughput_per_s"]), "unit": f"{per}s / s",
         "detail": f"at {num(float(doc['run']['hw']['clock_mhz']))} MHz"},
        {"id": "headline-utilization", "label": "MAC utilization",
         "value": percent(head["utilization"]), "unit": "",
         "detail": "useful MACs / MAC slots of the run"},
        {"id": "headline-bound", "label": "bound by", "value": head["bound_label"], "unit": "",
         "cls": "bound",
         "detail": ", ".join(f"{BOUNDS[k]} {percent(v / total, 0)}" for k, v in split.items())
         + " of cycles"},
    ]
    area = doc.get("area")
    if area:
        cards.append({"id": "headline-area", "label": "area", "unit": "mm²",
                      "value": num(float(area["total_mm2"])),
                      "detail": f"{len(area.get('breakdown_mm2') or {})} components"})
    return [{"cls": "", **c} for c in cards]


def _totals_rows(doc: dict, e_unit, t_unit) -> list[tuple[str, str]]:
    t = doc["totals"]
    split = cycle_split(t)
    rows = [("layers", num(t["layers"])), ("integer jobs", num(t["jobs"])),
            ("MACs", num(t["macs"])), ("cycles", num(t["cycles"])),
            ("of which compute", num(split["compute"])),
            ("of which DRAM stall", num(split["dram_stall"])),
            ("of which vector-unit excess", num(split["vector_excess"])),
            (f"latency ({t_unit[0]})", num(t["latency_us"] / t_unit[1])),
            ("MAC utilization", percent(t["utilization"])),
            ("DRAM read", binary_bytes(t["dram_read_bytes"])),
            ("DRAM written", binary_bytes(t["dram_write_bytes"])),
            ("vector-unit ops", num(t["vector_ops"])),
            *_vector_totals(t),
            (f"energy ({e_unit[0]})", num(t["energy_total_pj"] / e_unit[1])),
            ("accumulator overflow events",
             "not measured" if t["overflow_events"] is None else num(t["overflow_events"]))]
    return rows


def _layer_rows(doc: dict, e_unit, t_unit) -> list[dict]:
    rows = []
    for ly in doc["layers"]:
        g = ly["gemm"]
        dram = ly["dram_read_bytes"] + ly["dram_write_bytes"]
        bound = bound_of(cycle_split(ly))
        rows.append({"id": f"layer-{ly['name']}", "cells": [
            (ly["name"], None, "text"), (ly["kind"], None, "text"),
            (f"{g['m']:,}×{g['k']:,}×{g['n']:,}" + (f" ×{ly['groups']}" if ly["groups"] > 1
                                                    else ""), g["m"] * g["k"] * g["n"], ""),
            (f"{ly['w_terms']}×{ly['a_terms']}", ly["w_terms"] * ly["a_terms"], ""),
            (num(ly["jobs"]), ly["jobs"], ""),
            (JOB_ORDERS_SHORT.get(ly["order"], ly["order"]), None, "text"),
            (num(ly["macs"]), ly["macs"], ""), (num(ly["cycles"]), ly["cycles"], ""),
            (percent(ly["stall_cycles"] / ly["cycles"] if ly["cycles"] else 0.0),
             ly["stall_cycles"] / ly["cycles"] if ly["cycles"] else 0.0, ""),
            (BOUNDS[bound], None, "text"),
            (percent(ly["utilization"]), ly["utilization"], ""),
            (binary_bytes(dram), dram, ""),
            (num(ly["energy_total_pj"] / e_unit[1]), ly["energy_total_pj"], ""),
            (num(ly["latency_us"] / t_unit[1]), ly["latency_us"], ""),
        ]})
    return rows


def _vector_totals(t: dict) -> list[tuple[str, str]]:
    v = t.get("vector_rows")
    if not v or not v["rows"]:
        return []
    return [("vector-unit ops and copies between layers", num(v["rows"])),
            ("of the cycles, theirs", num(v["cycles"]))]


def _vector_rows(doc: dict, e_unit, t_unit) -> list[dict]:
    rows = []
    for v in doc.get("vector_rows", []):
        dram = v["dram_read_bytes"] + v["dram_write_bytes"]
        stalled = v["stall_cycles"] / v["cycles"] if v["cycles"] else 0.0
        rows.append({"id": f"vector-{v['name']}", "cells": [
            (v["name"], None, "text"), (v["op"], None, "text"),
            (v["kind"] + (f" (fused into {v['fused_into']})" if v.get("fused_into") else ""),
             None, "text"),
            (num(v["in_elements"]), v["in_elements"], ""),
            (num(v["out_elements"]), v["out_elements"], ""),
            (num(v["window"]) if v["window"] else "-", v["window"], ""),
            (num(v["vector_ops"]), v["vector_ops"], ""), (num(v["cycles"]), v["cycles"], ""),
            (percent(stalled), stalled, ""), (binary_bytes(dram), dram, ""),
            (num(v["energy_total_pj"] / e_unit[1]), v["energy_total_pj"], ""),
            (num(v["latency_us"] / t_unit[1]), v["latency_us"], ""),
        ]})
    return rows


VECTOR_HEADER = ("op name", "op", "kind", "elements in", "elements out", "window",
                 "vector ops", "cycles", "stalled", "DRAM traffic", "energy ({e})",
                 "latency ({t})")
LAYER_HEADER = ("layer", "kind", "GEMM M×K×N (×groups)", "terms w×a", "jobs", "job order",
                "MACs", "cycles", "stalled", "bound by", "MAC util.", "DRAM traffic",
                "energy ({e})", "latency ({t})")


def _job_order(doc: dict, e_unit, t_unit) -> dict:
    s = doc["schedule"]
    rows = []
    for label, o in (("naive", s["naive"]), ("chosen per layer", s["chosen"])):
        rows.append([label, num(o["jobs"]), num(o["cycles"]), binary_bytes(o["dram_bytes"]),
                     num(o["energy_total_pj"] / e_unit[1]), num(o["latency_us"] / t_unit[1])])
    chosen = [(JOB_ORDERS_SHORT.get(k, k), JOB_ORDERS.get(k, k), v)
              for k, v in sorted(s["orders_chosen"].items())]
    return {"rows": rows, "chosen": chosen, "dram_saved": binary_bytes(s["dram_bytes_saved"]),
            "cycles_saved": num(s["cycles_saved"])}


def _provenance(doc: dict) -> list[tuple[str, str]]:
    run, hw = doc["run"], doc["run"]["hw"]
    source = run.get("source") or {}
    rows = [("command", run.get("command", "")), ("schema", doc["schema"]),
            ("accelerator file", hw.get("file", "")),
            ("accelerator", f"{hw.get('name')}: {hw.get('description', '')}"),
            ("source", f"{source.get('kind', '')} {source.get('name', '')}".strip())]
    if source.get("samples"):
        rows.append(("inputs", f"{source['samples']:,} in one batch"))
    for f in source.get("float_layers") or []:
        rows.append(("left in float", " ".join(map(str, f))))
    for k, v in (run.get("expansion") or {}).items():
        if k != "label" and v is not None:
            rows.append((human(k, EXPANSION), str(v)))
    versions = run.get("versions") or {}
    rows.append(("versions", ", ".join(f"{k} {v}" for k, v in versions.items() if v)))
    rows += [("assumption", a) for a in run.get("assumptions") or []]
    return rows


def _energy_share(doc: dict, head: dict, e_unit) -> dict:
    per = doc["totals"]["energy_pj"]
    n = head["inferences"]
    comps = [c for c in ENERGY_COMPONENTS if per.get(c, 0.0) > 0]
    return share_bar(f"Energy per {head['per']} by component",
                     [(ENERGY_NAMES.get(c, c), per[c] / n) for c in comps], e_unit,
                     colors=[component_color(c) for c in comps])


def _technology(doc: dict) -> dict | None:
    tech = doc.get("technology")
    if not tech:
        return None
    return {"node": tech.get("node_nm"), "dram": tech.get("dram_type"),
            "figures": [(f["key"], num(float(f["value"])), f["unit"], f["source"])
                        for f in tech.get("figures") or []]}


def report_html(doc: dict, figures: list[dict], e_unit: tuple[str, float]) -> str:
    """The page; `figures` ({id, title, note, png}) are embedded as data URIs."""
    head = headline(doc)
    t_unit = time_unit(head["latency_us"])
    run, hw = doc["run"], doc["run"]["hw"]
    array = hw.get("array", {})
    source_name = Path(str((run.get("source") or {}).get("name", "run"))).name  # path: provenance
    title = f"{source_name} on {hw.get('name', '?')}"
    subtitle = (f"{array.get('array_rows')}×{array.get('array_cols')} array, dataflow "
                f"{dataflow_label(array.get('dataflow', '?'))}, "
                f"{num(float(hw.get('clock_mhz', 0)))} MHz · "
                f"{(run.get('expansion') or {}).get('label', '')}")
    area = doc.get("area")
    return render_page(
        "report.html.j2", title=title, subtitle=subtitle,
        cards=_headline_cards(doc, head, e_unit, t_unit), bound_rule=head["bound_rule"],
        e_unit=e_unit[0], t_unit=t_unit[0], per=head["per"],
        energy_share=_energy_share(doc, head, e_unit),
        quality=[(human(k, QUALITY), num(v, 4) if isinstance(v, float) else num(v))
                 for k, v in (doc.get("quality") or {}).items()],
        totals=_totals_rows(doc, e_unit, t_unit),
        epilogue=[(human(k, EPILOGUE_OPS), num(v))
                  for k, v in doc["totals"]["epilogue_ops"].items()],
        job_order=_job_order(doc, e_unit, t_unit),
        dataflow=dataflow_label(array.get("dataflow", "?")),
        figures=[{**f, "src": png_data_uri(f["png"])} for f in figures],
        layer_header=[h.format(e=e_unit[0], t=t_unit[0]) for h in LAYER_HEADER],
        layers=_layer_rows(doc, e_unit, t_unit),
        vector_header=[h.format(e=e_unit[0], t=t_unit[0]) for h in VECTOR_HEADER],
        vector_rows=_vector_rows(doc, e_unit, t_unit),
        area=None if not area else {
            "total": num(float(area["total_mm2"])),
            "parts": [(k, num(float(v))) for k, v in (area.get("breakdown_mm2") or {}).items()]},
        technology=_technology(doc), provenance=_provenance(doc))
