"""The compare view: a terminal table and compare.html (same stylesheet as report.html)."""

from __future__ import annotations

import json

from fpxint_sim.report.layer_bars import grouped_barh, pick_layers
from fpxint_sim.report.templating import png_data_uri, render_page
from fpxint_sim.report.units import binary_bytes, energy_unit, num, percent, time_unit

TERMINAL_LAYERS = 20  # layers listed in the terminal: the largest latency changes


def _units(cmp: dict):
    base = cmp["per_inference"][0]
    return energy_unit(base["energy_pj"]), time_unit(base["latency_us"])


def _fmt(value, kind: str, e_unit, t_unit) -> str:
    if value is None:
        return "n/a"
    if kind == "time":
        return f"{num(value / t_unit[1])} {t_unit[0]}"
    if kind == "energy":
        return f"{num(value / e_unit[1])} {e_unit[0]}"
    if kind == "fraction":
        return percent(value)
    if kind == "bytes":
        return binary_bytes(value)
    return num(float(value))


def delta_text(d, kind: str = "relative") -> str:
    """+12.3 % (or +4.5 pp for a change of a fraction); '' for an undefined change."""
    if d is None:
        return ""
    return f"{100 * d:+.1f} pp" if kind == "points" else f"{100 * d:+.1f} %"


def _total_rows(cmp: dict, e_unit, t_unit) -> list[dict]:
    rows = [{"label": t["label"],
             "cells": [(_fmt(v, t["kind"], e_unit, t_unit),
                        delta_text(d, t["delta_kind"]) if k else "",
                        _delta_class(d, t["higher_is_better"]))
                       for k, (v, d) in enumerate(zip(t["values"], t["deltas"]))]}
            for t in cmp["totals"]]
    rows.append({"label": "bound by",
                 "cells": [(p["bound"], "", "") for p in cmp["per_inference"]]})
    return rows


def _layer_plot(cmp: dict, key: str, scale: float, xlabel: str) -> tuple[bytes, str]:
    layers = cmp["layers"]
    series = [[ly[key][k] / scale for ly in layers] for k in range(len(cmp["runs"]))]
    labels, picked, note = pick_layers([ly["name"] for ly in layers], series)
    return grouped_barh(labels, picked, [r["label"] for r in cmp["runs"]], xlabel), note


def compare_figures(cmp: dict) -> list[dict]:
    """Per-layer latency and energy per inference of every run, side by side."""
    if not cmp["layers"]:
        return []
    e_unit, t_unit = _units(cmp)
    out = []
    for fig_id, title, key, scale, xlabel in (
            ("compare-latency", "Latency per inference, per matched layer", "latency_us",
             t_unit[1], f"latency per inference ({t_unit[0]})"),
            ("compare-energy", "Energy per inference, per matched layer", "energy_pj",
             e_unit[1], f"energy per inference ({e_unit[0]})")):
        png, note = _layer_plot(cmp, key, scale, xlabel)
        out.append({"id": fig_id, "title": title, "note": note, "src": png_data_uri(png)})
    return out


def compare_html(cmp: dict) -> str:
    e_unit, t_unit = _units(cmp)
    runs = cmp["runs"]
    layer_rows = []
    for ly in cmp["layers"]:
        cells = [(ly["name"], None, "text")]
        for k in range(len(runs)):
            cells.append((num(ly["latency_us"][k] / t_unit[1]), ly["latency_us"][k], ""))
            if k:
                d = ly["latency_delta"][k]
                cells.append((delta_text(d), d, _delta_class(d)))
        for k in range(len(runs)):
            cells.append((num(ly["energy_pj"][k] / e_unit[1]), ly["energy_pj"][k], ""))
            if k:
                d = ly["energy_delta"][k]
                cells.append((delta_text(d), d, _delta_class(d)))
        layer_rows.append(cells)
    header = ["layer"]
    for what, unit in (("latency", t_unit[0]), ("energy", e_unit[0])):
        for k, r in enumerate(runs):
            header.append(f"{what} {r['label']} ({unit})")
            if k:
                header.append(f"Δ {what} {r['label']}")
    return render_page(
        "compare.html.j2", title=f"Compare: {' vs '.join(r['label'] for r in runs)}",
        runs=runs, totals=_total_rows(cmp, e_unit, t_unit), e_unit=e_unit[0],
        t_unit=t_unit[0], figures=compare_figures(cmp), layer_header=header,
        layers=layer_rows, unmatched=sorted(cmp["unmatched_layers"].items()))


def _delta_class(d, higher_is_better: bool = False) -> str:
    """CSS class: red for a change for the worse, green for the better."""
    if not d:
        return ""
    return "delta-better" if (d > 0) == higher_is_better else "delta-worse"


def compare_text(cmp: dict) -> str:
    """The terminal view: runs, totals with deltas, the largest per-layer changes."""
    from fpxint_sim.report.text_table import format_table

    e_unit, t_unit = _units(cmp)
    runs = cmp["runs"]
    lines = [f"baseline: {runs[0]['label']}"]
    lines += [f"  {r['label']}: {r['source']} on {r['hw']} ({r['array']}), {r['expansion']}"
              for r in runs]
    rows = [[row["label"]] + [f"{v} ({d})" if d else v for v, d, _ in row["cells"]]
            for row in _total_rows(cmp, e_unit, t_unit)]
    lines.append(format_table(["per inference"] + [r["label"] for r in runs], rows))
    if cmp["layers"]:
        biggest = sorted(cmp["layers"], key=lambda ly: -max(
            abs(d) for d in ly["latency_delta"][1:] if d is not None) if any(
            d is not None for d in ly["latency_delta"][1:]) else 0.0)[:TERMINAL_LAYERS]
        lrows = [[ly["name"]] + [num(v / t_unit[1]) + (f" ({delta_text(d)})" if k else "")
                                 for k, (v, d) in enumerate(zip(ly["latency_us"],
                                                                ly["latency_delta"]))]
                 for ly in biggest]
        more = len(cmp["layers"]) - len(biggest)
        lines.append(f"matched layers: {len(cmp['layers'])}"
                     + (f"; the {len(biggest)} largest latency changes" if more else ""))
        lines.append(format_table([f"layer latency ({t_unit[0]})"] + [r["label"] for r in runs],
                                  lrows))
    else:
        lines.append("matched layers: none (no layer name is in every report)")
    for label, names in sorted(cmp["unmatched_layers"].items()):
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        lines.append(f"unmatched in {label}: {shown}")
    return "\n".join(lines)


def compare_json_text(cmp: dict) -> str:
    return json.dumps(cmp, indent=1, allow_nan=False) + "\n"
