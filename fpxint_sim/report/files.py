"""The three report files as text, rendered from one document."""

from __future__ import annotations

import json

from fpxint_sim.report.html_page import page_energy_unit, report_html
from fpxint_sim.report.layers_csv import layers_csv_text
from fpxint_sim.report.plots import report_figures

ROW_LISTS = ("layers", "vector_rows")  # one JSON line per row: greppable, and fast to write


def report_json_text(document: dict) -> str:
    """report.json's text; `--json` prints exactly this. Indented, except that each entry of
    the row lists (layers, vector rows) is one line: a 9,000-layer topology's report is written
    by the C encoder in seconds instead of by the indenting one in minutes."""
    parts = []
    for key, value in document.items():
        if key in ROW_LISTS and isinstance(value, list) and value:
            body = "[\n" + ",\n".join("  " + json.dumps(row, allow_nan=False)
                                       for row in value) + "\n ]"
        else:
            body = json.dumps(value, indent=1, allow_nan=False).replace("\n", "\n ")
        parts.append(f" {json.dumps(key)}: {body}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def render_report_files(document: dict, plots: bool = True) -> dict[str, str]:
    """{file name: text} for report.json, layers.csv and report.html."""
    unit = page_energy_unit(document)
    figures = report_figures(document, unit) if plots else []
    return {"report.json": report_json_text(document),
            "layers.csv": layers_csv_text(document),
            "report.html": report_html(document, figures, unit)}
