"""The parts of a whole as one linear stacked bar (inline SVG in templates/macros.html.j2).

Widths are proportional to the values, so a 93 % part covers 93 % of the bar.
"""

from __future__ import annotations

from fpxint_sim.report.layer_bars import COLORS
from fpxint_sim.report.units import num, percent

BAR_WIDTH = 900  # the SVG viewBox width


def share_bar(title: str, parts: list[tuple[str, float]], unit: tuple[str, float],
              colors: list[str] | None = None) -> dict:
    """Template data: parts (name, value in pJ) in order, with x, width, color and share."""
    whole = sum(v for _, v in parts)
    out, x = [], 0.0
    for k, (name, value) in enumerate(parts):
        frac = value / whole if whole > 0 else 0.0
        width = BAR_WIDTH * frac
        out.append({"name": name, "x": round(x, 2), "width": round(width, 2),
                    "color": (colors or COLORS)[k % len(colors or COLORS)],
                    "fraction": frac, "value": num(value / unit[1]),
                    "percent": "< 0.1 %" if 0 < frac < 5e-4 else percent(frac)})
        x += width
    return {"title": title, "parts": out, "unit_label": unit[0],
            "parts_by_size": sorted(out, key=lambda p: -p["fraction"]),
            "total": f"{num(whole / unit[1])} {unit[0]}"}
