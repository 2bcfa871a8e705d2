"""A sweep's error-vs-cost scatter as PNG, with the pixel position of every point.

The positions feed an HTML image map (templates/sweep.html.j2): hovering a dot shows its
settings, clicking it jumps to its row of the points table. The PNG is drawn at its display
size, so the map's coordinates hold as long as the page shows the image unscaled.
"""

from __future__ import annotations

import io

from fpxint_sim.report.layer_bars import COLORS

AXIS_LABELS = {"energy_uj": "energy per inference (µJ)",
               "latency_us": "latency per inference (µs)"}
DPI = 100
SIZE_IN = (9.5, 4.6)


def front_scatter(rows: list[dict], front2d: set, front3d: set, x: str,
                  group_of, front_label: str = "3-D front (error, energy, latency)"
                  ) -> tuple[bytes, list[dict]]:
    """(PNG, [{point_id, x_px, y_px}]) of error against `x`; both fronts marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=SIZE_IN)
    groups = sorted({group_of(r) for r in rows})
    for gi, g in enumerate(groups):
        sel = [r for r in rows if group_of(r) == g]
        ax.scatter([r[x] for r in sel], [r["error"] for r in sel], s=16, alpha=0.7,
                   color=COLORS[gi % len(COLORS)], label=g, linewidths=0)
    on3 = [r for r in rows if r["point_id"] in front3d]
    ax.scatter([r[x] for r in on3], [r["error"] for r in on3], s=46, facecolors="none",
               edgecolors="black", linewidths=0.9,
               label=f"{front_label}: {len(on3)}")
    fr = sorted((r for r in rows if r["point_id"] in front2d), key=lambda r: r[x])
    ax.plot([r[x] for r in fr], [r["error"] for r in fr], color="#c44e52", marker="D", ms=4,
            lw=1.2, label=f"2-D front: error vs {x.split('_')[0]} ({len(fr)})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(AXIS_LABELS[x])
    ax.set_ylabel("error (logit noise / signal, lower is better)")
    ax.grid(which="both", alpha=0.2)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    fig.canvas.draw()
    height = fig.get_size_inches()[1] * DPI
    scale = DPI / fig.dpi
    where = []
    for r in rows:
        px, py = ax.transData.transform((r[x], r["error"]))
        where.append({"point_id": r["point_id"], "x_px": round(px * scale, 1),
                      "y_px": round(height - py * scale, 1)})
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue(), where
