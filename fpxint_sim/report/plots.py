"""Figures of a report document as PNG bytes (matplotlib, Agg backend, no display needed).

One function per figure; `report_figures` returns them all as (title, png bytes).
"""

from __future__ import annotations

import io

from fpxint_sim.sim.energy import ENERGY_COMPONENTS

MAX_LABELLED_LAYERS = 48  # beyond this, layer names on the x axis are unreadable
DPI = 90


def _save(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _layer_axes(ax, names: list[str]) -> None:
    ax.set_xlim(-0.6, len(names) - 0.4)
    if len(names) <= MAX_LABELLED_LAYERS:
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=60, ha="right", fontsize=7)
    else:
        ax.set_xlabel(f"layer index ({len(names)} layers)")
    ax.grid(axis="y", alpha=0.3)


def _width(n: int) -> float:
    return min(14.0, max(6.0, 0.28 * n + 2.0))


def cycles_per_layer(doc: dict) -> bytes:
    """Stacked bars: compute, DRAM stall, and vector-bound cycles of each layer."""
    import matplotlib.pyplot as plt

    layers = doc["layers"]
    names = [ly["name"] for ly in layers]
    compute = [ly["compute_cycles"] for ly in layers]
    stall = [ly["stall_cycles"] for ly in layers]
    vector = [ly["cycles"] - c - s for ly, c, s in zip(layers, compute, stall)]
    fig, ax = plt.subplots(figsize=(_width(len(names)), 3.6))
    x = range(len(names))
    ax.bar(x, compute, label="compute (fill, drain, folds)", color="#4c72b0")
    ax.bar(x, stall, bottom=compute, label="DRAM stall", color="#dd8452")
    if any(v > 0 for v in vector):
        ax.bar(x, vector, bottom=[c + s for c, s in zip(compute, stall)],
               label="vector-unit bound", color="#55a868")
    ax.set_ylabel("cycles (chosen order)")
    _layer_axes(ax, names)
    ax.legend(fontsize=8)
    return _save(fig)


def energy_breakdown(doc: dict) -> bytes:
    """Energy per component: stacked per layer, and the network total per component."""
    import matplotlib.pyplot as plt

    layers = doc["layers"]
    names = [ly["name"] for ly in layers]
    fig, (ax, ax_total) = plt.subplots(
        1, 2, figsize=(_width(len(names)) + 3.5, 3.8),
        gridspec_kw={"width_ratios": [max(3, len(names) // 3), 2]})
    bottom = [0.0] * len(layers)
    for comp in ENERGY_COMPONENTS:
        values = [ly["energy_pj"].get(comp, 0.0) / 1e3 for ly in layers]
        ax.bar(range(len(names)), values, bottom=bottom, label=comp)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel("energy (nJ)")
    _layer_axes(ax, names)
    ax.legend(fontsize=7, ncol=2)
    totals = doc["totals"]["energy_pj"]
    comps = [c for c in ENERGY_COMPONENTS if totals.get(c, 0.0) > 0]
    values = [totals[c] / 1e6 for c in comps]
    whole = sum(values)
    ax_total.barh(comps, values, color="#8172b3")
    for y, v in enumerate(values):
        ax_total.text(v, y, f" {100 * v / whole:.1f} %", va="center", fontsize=7)
    ax_total.set_xscale("log")
    ax_total.set_xlabel("network energy (uJ, log scale)")
    ax_total.invert_yaxis()
    ax_total.grid(axis="x", alpha=0.3)
    return _save(fig)


def utilization_per_layer(doc: dict) -> bytes:
    """Fraction of MAC slots doing useful work, per layer and for the network."""
    import matplotlib.pyplot as plt

    layers = doc["layers"]
    names = [ly["name"] for ly in layers]
    fig, ax = plt.subplots(figsize=(_width(len(names)), 3.2))
    ax.bar(range(len(names)), [100 * ly["utilization"] for ly in layers], color="#4c72b0")
    total = 100 * doc["totals"]["utilization"]
    ax.axhline(total, color="#c44e52", linestyle="--", label=f"network {total:.1f} %")
    ax.set_ylabel("utilization (%)")
    ax.set_ylim(0, 100)
    _layer_axes(ax, names)
    ax.legend(fontsize=8)
    return _save(fig)


def cost_per_term(doc: dict) -> bytes:
    """Energy and cycles of each (i, j) job summed over layers: what every term costs."""
    import matplotlib.pyplot as plt

    terms = doc["terms"]
    fig, (ax_e, ax_c) = plt.subplots(1, 2, figsize=(10, 3.4))
    w_terms = sorted({t["i"] for t in terms})
    a_terms = sorted({t["j"] for t in terms})
    width = 0.8 / max(1, len(w_terms))
    for k, i in enumerate(w_terms):
        row = {t["j"]: t for t in terms if t["i"] == i}
        xs = [j + (k - (len(w_terms) - 1) / 2) * width for j in a_terms if j in row]
        js = [j for j in a_terms if j in row]
        ax_e.bar(xs, [row[j]["energy_total_pj"] / 1e6 for j in js], width, label=f"W term {i}")
        ax_c.bar(xs, [row[j]["cycles"] for j in js], width, label=f"W term {i}")
    for ax, label in ((ax_e, "energy (uJ)"), (ax_c, "cycles")):
        ax.set_xticks(a_terms)
        ax.set_xlabel("activation term j (each job (i, j) run on its own)")
        ax.set_ylabel(label)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8)
    return _save(fig)


def schedule_comparison(doc: dict) -> bytes:
    """DRAM bytes per layer: naive order next to the chosen one."""
    import matplotlib.pyplot as plt

    layers = doc["layers"]
    names = [ly["name"] for ly in layers]
    fig, ax = plt.subplots(figsize=(_width(len(names)), 3.2))
    x = list(range(len(names)))
    naive = [ly["schedule"]["naive"]["dram_bytes"] / 1024 for ly in layers]
    chosen = [ly["schedule"][ly["order"]]["dram_bytes"] / 1024 for ly in layers]
    ax.bar([v - 0.2 for v in x], naive, 0.4, label="naive order", color="#937860")
    ax.bar([v + 0.2 for v in x], chosen, 0.4, label="chosen order", color="#4c72b0")
    ax.set_ylabel("DRAM traffic (KiB)")
    _layer_axes(ax, names)
    ax.legend(fontsize=8)
    return _save(fig)


FIGURES = (
    ("Cycles per layer: compute and stall", cycles_per_layer),
    ("Energy breakdown", energy_breakdown),
    ("Utilization per layer", utilization_per_layer),
    ("Cost per expansion term", cost_per_term),
    ("Job order: naive vs chosen (DRAM traffic)", schedule_comparison),
)


def report_figures(doc: dict) -> list[tuple[str, bytes]]:
    """All figures as (title, PNG bytes); [] for a report without layers."""
    import matplotlib

    matplotlib.use("Agg")
    if not doc["layers"]:
        return []
    return [(title, make(doc)) for title, make in FIGURES]
