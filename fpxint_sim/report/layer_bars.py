"""Per-layer horizontal bar charts that stay readable at 200 layers.

Up to TOP_N layers are drawn by name in network order; longer networks show their TOP_N - 1
costliest layers by name, costliest first, and one bar summing all the others.
"""

from __future__ import annotations

import io

TOP_N = 30
DPI = 96
COLORS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3",
          "#8c8c8c")


def pick_layers(names: list[str], parts: list[list[float]], top_n: int = TOP_N):
    """(labels, parts, note): all layers, or the costliest top_n - 1 plus one bar for the rest.

    `parts[k][i]` is part k of layer i; a layer's cost is the sum of its parts. The last bar of
    a long network is the MEAN of the other layers, so it stays on the scale of the others; the
    note gives their count and share of the whole.
    """
    if len(names) <= top_n:
        return names, parts, f"all {len(names)} layers, network order"
    cost = [sum(p[i] for p in parts) for i in range(len(names))]
    keep = sorted(range(len(names)), key=lambda i: (-cost[i], i))[: top_n - 1]
    kept = set(keep)
    rest = [i for i in range(len(names)) if i not in kept]
    labels = [names[i] for i in keep] + [f"mean of {len(rest)} others"]
    picked = [[p[i] for i in keep] + [sum(p[i] for i in rest) / len(rest)] for p in parts]
    whole = sum(cost)
    share = sum(cost[i] for i in rest) / whole if whole else 0.0
    return labels, picked, (f"the {top_n - 1} costliest of {len(names)} layers, costliest "
                            f"first; the last bar is the mean of the other {len(rest)}, which "
                            f"together make {100 * share:.1f} % of the total")


def stacked_barh(labels: list[str], parts: list[list[float]], part_names: list[str],
                 xlabel: str, colors=COLORS) -> bytes:
    """Horizontal stacked bars, first label on top; PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    height = 1.3 + 0.26 * len(labels)
    longest = max((len(s) for s in labels), default=4)
    fig, ax = plt.subplots(figsize=(10.5, height))
    y = list(range(len(labels)))
    left = [0.0] * len(labels)
    for k, (values, name) in enumerate(zip(parts, part_names)):
        if not any(v > 0 for v in values):
            continue
        ax.barh(y, values, left=left, color=colors[k % len(colors)], label=name, height=0.72)
        left = [a + b for a, b in zip(left, values)]
    return _finish(fig, ax, y, labels, xlabel, longest)


def _finish(fig, ax, y, labels: list[str], xlabel: str, longest: int) -> bytes:
    """Label rows top-down, grid, legend above, a left margin for the longest name; PNG."""
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    legend_above(ax)
    fig.subplots_adjust(left=min(0.45, 0.02 + 0.0075 * longest))
    return save_png(fig)


def legend_above(ax, ncol: int = 4) -> None:
    """The legend in a row above the axes, where it hides no bar."""
    ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=ncol,
              frameon=False)


def save_png(fig) -> bytes:
    """The figure as PNG bytes (no timestamp metadata, so output is reproducible)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def grouped_barh(labels: list[str], series: list[list[float]], series_names: list[str],
                 xlabel: str) -> bytes:
    """Horizontal bars, one per series side by side for each label, first label on top."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = max(1, len(series))
    height = 1.3 + (0.12 + 0.16 * n) * len(labels)
    longest = max((len(s) for s in labels), default=4)
    fig, ax = plt.subplots(figsize=(10.5, height))
    bar = 0.8 / n
    for k, (values, name) in enumerate(zip(series, series_names)):
        ys = [i - 0.4 + bar * (k + 0.5) for i in range(len(labels))]
        ax.barh(ys, values, height=bar * 0.95, color=COLORS[k % len(COLORS)], label=name)
    return _finish(fig, ax, range(len(labels)), labels, xlabel, longest)
