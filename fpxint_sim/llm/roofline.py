"""Memory- or compute-bound: a GEMM's MACs per DRAM byte against the ridge of its MAC kind.

    intensity = MACs / (DRAM read + write bytes)       ridge = peak MACs/cycle / DRAM bytes/cycle
    memory-bound when intensity < ridge (the bandwidth slope is below the compute roof there);
    unlimited bandwidth (dram_bw_bytes_per_cycle unset) makes every GEMM compute-bound.
The roofline uses the nominal peak; the simulated cycles also hold what the peak hides (array
fill and drain, a weight-stationary array's preload per fold), so `stall_fraction` (cycles
waiting for DRAM / all cycles) is given next to the bound: a memory-bound GEMM on a roofline
may still spend its time in the array when the array runs far below its peak (M = 1).
"""

from __future__ import annotations

from fpxint_sim.llm.gemm_cost import GemmCost


def roofline_point(cost: GemmCost, dram_bw_bytes_per_cycle: float | None) -> dict:
    """Intensity, ridge, achieved and peak MACs/cycle, and the bound of one GEMM (or a sum)."""
    r = cost.result
    traffic = r.dram_read_bytes + r.dram_write_bytes
    intensity = r.macs / traffic if traffic else None
    ridge = (None if dram_bw_bytes_per_cycle is None
             else cost.peak_macs_per_cycle / dram_bw_bytes_per_cycle)
    memory = ridge is not None and intensity is not None and intensity < ridge
    return {"intensity_macs_per_byte": intensity, "ridge_macs_per_byte": ridge,
            "peak_macs_per_cycle": cost.peak_macs_per_cycle,
            "achieved_macs_per_cycle": r.macs / r.cycles if r.cycles else 0.0,
            "bound": "memory" if memory else "compute",
            "stall_fraction": r.stall_cycles / r.cycles if r.cycles else 0.0}


def roofline_png(points: list[dict], bw_bytes_per_cycle: float | None, title: str) -> bytes:
    """Log-log roofline of one phase: a roof per MAC kind, one dot per GEMM."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fpxint_sim.report.layer_bars import COLORS, save_png

    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    pts = [p for p in points if p["intensity_macs_per_byte"]]
    xs = [p["intensity_macs_per_byte"] for p in pts] or [1.0]
    peaks = sorted({(p["precision"], p["peak_macs_per_cycle"]) for p in points})
    lo, hi = min(xs) / 4, max(xs) * 4
    for k, (prec, peak) in enumerate(peaks):
        color = COLORS[k % len(COLORS)]
        if bw_bytes_per_cycle is None:
            ax.plot([lo, hi], [peak, peak], color=color, lw=2, label=f"{prec} peak {peak:,}")
            continue
        knee = peak / bw_bytes_per_cycle
        line = [min(lo, knee / 4), knee, max(hi, knee * 4)]
        ax.plot(line, [min(x * bw_bytes_per_cycle, peak) for x in line], color=color, lw=2,
                label=f"{prec} peak {peak:,} MAC/cycle")
    for k, (prec, _) in enumerate(peaks):
        sel = [p for p in pts if p["precision"] == prec]
        ax.scatter([p["intensity_macs_per_byte"] for p in sel],
                   [p["achieved_macs_per_cycle"] for p in sel], s=30, zorder=3,
                   color=COLORS[k % len(COLORS)], edgecolor="black", linewidth=0.5)
        for p in sel:
            ax.annotate(p["name"], (p["intensity_macs_per_byte"], p["achieved_macs_per_cycle"]),
                        fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("MACs per DRAM byte")
    ax.set_ylabel("MACs per cycle (achieved)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return save_png(fig)
