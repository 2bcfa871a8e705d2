"""The three report files as text, rendered from one document."""

from __future__ import annotations

import json

from fpxint_sim.report.html_page import page_energy_unit, report_html
from fpxint_sim.report.layers_csv import layers_csv_text
from fpxint_sim.report.plots import report_figures


def report_json_text(document: dict) -> str:
    """report.json's text; `--json` prints exactly this."""
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


def render_report_files(document: dict, plots: bool = True) -> dict[str, str]:
    """{file name: text} for report.json, layers.csv and report.html."""
    unit = page_energy_unit(document)
    figures = report_figures(document, unit) if plots else []
    return {"report.json": report_json_text(document),
            "layers.csv": layers_csv_text(document),
            "report.html": report_html(document, figures, unit)}
