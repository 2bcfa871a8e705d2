"""Roofline of a run: each layer's arithmetic intensity against the description's ceilings.

x: MACs per DRAM byte (the layer's MACs over its DRAM reads + writes in the chosen job order).
y: GMAC/s achieved (MACs / cycles at the clock). Ceilings: the array's peak per precision
(PEs x MACs per PE per cycle x clock) and the DRAM bandwidth (bytes per cycle x clock x
intensity). The precision of a layer is the widest one its jobs were charged at (per_job
`precision`: the pair of PE operand types of the one operand rule, fpxint_sim/hw/operands.py).
"""

from __future__ import annotations

import math

from fpxint_sim.hw.schema import ArithmeticSpec, bits_of, precision_of
from fpxint_sim.report.layer_bars import COLORS, save_png

LABELLED = 8  # layers named on the plot: the costliest by cycles


def _widest(bits) -> int:
    return max(bits) if isinstance(bits, list | tuple) else int(bits)


def _layer_precision(ly: dict) -> str:
    """The widest precision the layer's jobs were charged at (each job's per_job `precision`,
    from its PE operand types); documents without it: the widest term width."""
    keys = [job["precision"] for job in ly.get("per_job", []) if "precision" in job]
    if keys:
        return max(keys, key=bits_of)
    return precision_of(max(_widest(ly["w_bits"]), _widest(ly["a_bits"])))


def roofline_data(doc: dict) -> dict:
    """Ceilings and one point per layer with DRAM traffic (GMAC/s, MAC/byte)."""
    hw = doc["run"]["hw"]
    arith = ArithmeticSpec(**{**hw["arithmetic"],
                              "weight_types": tuple(hw["arithmetic"]["weight_types"]),
                              "activation_types": tuple(hw["arithmetic"]["activation_types"])})
    clock, pes = hw["clock_mhz"], hw["num_pes"]
    peaks = {p: pes * rate * clock / 1e3 for p, rate in arith.macs_per_pe_per_cycle.items()}
    bw = hw["dram"]["dram_bw_bytes_per_cycle"]
    points, skipped = [], []
    for ly in doc["layers"]:
        traffic = ly["dram_read_bytes"] + ly["dram_write_bytes"]
        if traffic == 0 or ly["cycles"] == 0:
            skipped.append(ly["name"])
            continue
        points.append({"name": ly["name"], "cycles": ly["cycles"],
                       "intensity": ly["macs"] / traffic,
                       "gmacs": ly["macs"] / ly["cycles"] * clock / 1e3,
                       "precision": _layer_precision(ly)})
    return {"peaks_gmacs": peaks, "dram_gbytes_per_s": None if bw is None else bw * clock / 1e3,
            "points": points, "skipped": skipped}


def roofline_png(doc: dict) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = roofline_data(doc)
    pts = data["points"]
    xs = [p["intensity"] for p in pts] or [1.0]
    x_lo, x_hi = min(xs) / 4, max(xs) * 4
    fig, ax = plt.subplots(figsize=(9.5, 5.2))
    bw = data["dram_gbytes_per_s"]
    precisions = sorted(data["peaks_gmacs"])
    for k, prec in enumerate(precisions):
        peak = data["peaks_gmacs"][prec]
        color = COLORS[k % len(COLORS)]
        if bw is None:
            ax.plot([x_lo, x_hi], [peak, peak], color=color, lw=2,
                    label=f"{prec.upper()} peak {peak:,.4g} GMAC/s")
        else:
            knee = peak / bw
            xs_line = [min(x_lo, knee / 4), knee, max(x_hi, knee * 4)]
            ax.plot(xs_line, [min(x * bw, peak) for x in xs_line], color=color, lw=2,
                    label=f"{prec.upper()} peak {peak:,.4g} GMAC/s")
    if bw is not None:
        ax.plot([], [], color="#444", lw=0, label=f"slope: DRAM {bw:,.4g} GB/s")
    for k, prec in enumerate(precisions):
        sel = [p for p in pts if p["precision"] == prec]
        if sel:
            ax.scatter([p["intensity"] for p in sel], [p["gmacs"] for p in sel], s=28,
                       color=COLORS[k % len(COLORS)], edgecolor="black", linewidth=0.5,
                       zorder=3, label=f"layers in {prec.upper()} PEs ({len(sel)})")
    placed: list[tuple[float, float]] = []
    for p in sorted(pts, key=lambda p: -p["cycles"]):
        if len(placed) == LABELLED:
            break
        x, y = math.log10(p["intensity"]), math.log10(p["gmacs"])
        if any(abs(x - a) < 0.12 and abs(y - b) < 0.05 for a, b in placed):
            continue  # a label there already: overlapping names read as neither
        placed.append((x, y))
        ax.annotate(p["name"], (p["intensity"], p["gmacs"]), fontsize=7,
                    xytext=(4, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (MACs per DRAM byte, chosen job order)")
    ax.set_ylabel("achieved GMAC/s")
    ax.grid(which="both", alpha=0.25)
    ax.legend(fontsize=8, loc="lower right", framealpha=0.9)
    return save_png(fig)
