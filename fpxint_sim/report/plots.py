"""Figures of a run report as PNG bytes (matplotlib, Agg backend, no display needed).

One function per figure; `report_figures` returns them all as dicts (id, title, note, png).
Energies are drawn in the page's one energy unit.
"""

from __future__ import annotations

from fpxint_sim.report.layer_bars import (
    COLORS,
    legend_above,
    pick_layers,
    save_png,
    stacked_barh,
)
from fpxint_sim.report.roofline import roofline_png
from fpxint_sim.sim.energy import ENERGY_COMPONENTS

ENERGY_NAMES = {"mac": "MACs", "ifmap_sram": "ifmap SRAM", "filter_sram": "filter SRAM",
                "ofmap_sram": "ofmap SRAM", "dram": "DRAM", "vector": "vector unit",
                "static": "static (leakage)"}


def component_color(component: str) -> str:
    """The one color of an energy component on every plot and bar."""
    return COLORS[ENERGY_COMPONENTS.index(component) % len(COLORS)]


def cycles_per_layer(doc: dict, unit) -> tuple[bytes, str]:
    """Stacked: compute, DRAM stall, and vector-unit excess cycles of each layer."""
    layers = doc["layers"]
    compute = [ly["compute_cycles"] for ly in layers]
    stall = [ly["stall_cycles"] for ly in layers]
    vector = [ly["cycles"] - c - s for ly, c, s in zip(layers, compute, stall)]
    labels, parts, note = pick_layers([ly["name"] for ly in layers], [compute, stall, vector])
    png = stacked_barh(labels, parts, ["compute (MACs, fill, drain, folds)", "DRAM stall",
                                       "vector-unit excess"], "cycles (chosen job order)")
    return png, note


def energy_per_layer(doc: dict, unit) -> tuple[bytes, str]:
    """Stacked: each layer's energy by component, in the page's unit."""
    name, scale = unit
    layers = doc["layers"]
    comps = [c for c in ENERGY_COMPONENTS if any(ly["energy_pj"].get(c, 0) for ly in layers)]
    parts = [[ly["energy_pj"].get(c, 0.0) / scale for ly in layers] for c in comps]
    labels, parts, note = pick_layers([ly["name"] for ly in layers], parts)
    colors = [component_color(c) for c in comps]
    png = stacked_barh(labels, parts, [ENERGY_NAMES.get(c, c) for c in comps],
                       f"energy ({name})", colors=colors)
    return png, note


def dram_by_job_order(doc: dict, unit) -> tuple[bytes, str]:
    """DRAM traffic per layer: the chosen job order, and what the naive order adds."""
    layers = doc["layers"]
    largest = max(ly["schedule"]["naive"]["dram_bytes"] for ly in layers)
    name, scale = ("MiB", 2 ** 20) if largest >= 2 ** 20 else ("KiB", 2 ** 10)
    chosen = [ly["schedule"][ly["order"]]["dram_bytes"] / scale for ly in layers]
    extra = [max(0.0, ly["schedule"]["naive"]["dram_bytes"] / scale - c)
             for ly, c in zip(layers, chosen)]
    labels, parts, note = pick_layers([ly["name"] for ly in layers], [chosen, extra])
    png = stacked_barh(labels, parts, ["chosen job order", "extra in the naive job order"],
                       f"DRAM traffic ({name})", colors=("#4c72b0", "#c9b18f"))
    return png, note


def cost_per_term(doc: dict, unit) -> tuple[bytes, str]:
    """Energy and cycles of each (i, j) job summed over layers: what every term costs."""
    import matplotlib.pyplot as plt

    name, scale = unit
    terms = doc["terms"]
    fig, (ax_e, ax_c) = plt.subplots(1, 2, figsize=(10.5, 3.6))
    w_terms = sorted({t["i"] for t in terms})
    a_terms = sorted({t["j"] for t in terms})
    width = 0.8 / max(1, len(w_terms))
    for k, i in enumerate(w_terms):
        row = {t["j"]: t for t in terms if t["i"] == i}
        js = [j for j in a_terms if j in row]
        xs = [j + (k - (len(w_terms) - 1) / 2) * width for j in js]
        color = COLORS[k % len(COLORS)]
        ax_e.bar(xs, [row[j]["energy_total_pj"] / scale for j in js], width, color=color,
                 label=f"weight term {i}")
        ax_c.bar(xs, [row[j]["cycles"] for j in js], width, color=color,
                 label=f"weight term {i}")
    for ax, label in ((ax_e, f"energy ({name})"), (ax_c, "cycles")):
        ax.set_xticks(a_terms)
        ax.set_xlabel("activation term j")
        ax.set_ylabel(label)
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
        legend_above(ax)
    return save_png(fig), "each job (i, j) counted on its own, summed over the layers"


FIGURES = (
    ("roofline", "Roofline", None),
    ("cycles-per-layer", "Cycles per layer: what each layer waits on", cycles_per_layer),
    ("energy-per-layer", "Energy per layer by component", energy_per_layer),
    ("dram-by-job-order", "DRAM traffic per layer by job order", dram_by_job_order),
    ("cost-per-term", "Cost of each expansion term pair (i, j)", cost_per_term),
)
ROOFLINE_NOTE = ("each dot a layer; lines: the array's peak per operand precision and, "
                 "sloped, the DRAM bandwidth")


def report_figures(doc: dict, unit: tuple[str, float]) -> list[dict]:
    """All figures as {id, title, note, png}; [] for a report without layers."""
    import matplotlib

    matplotlib.use("Agg")
    if not doc["layers"]:
        return []
    out = []
    for fig_id, title, make in FIGURES:
        if make is None:
            png, note = roofline_png(doc), ROOFLINE_NOTE
        else:
            png, note = make(doc, unit)
        out.append({"id": fig_id, "title": title, "note": note, "png": png})
    return out
