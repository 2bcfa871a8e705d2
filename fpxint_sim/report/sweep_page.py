"""summary.md and summary.html of a sweep (templates/sweep.html.j2, the shared stylesheet).

Every point is a row with its hardware and expansion settings and an anchor (#pt-<id>); the
plots' dots link there through an image map, with the settings in their hover title.
"""

from __future__ import annotations

import statistics

from fpxint_sim.report.templating import png_data_uri, render_page
from fpxint_sim.report.units import energy_unit, num, percent

MD_ROWS = 20  # ranked front points listed in summary.md


def _front(ctx: dict) -> str:
    """The front's name: 3-D (error, energy, latency), or 4-D with area (sweep --rank-area)."""
    return ctx.get("front_name", "3-D front (error, energy, latency)")


def _rank_rule(ctx: dict) -> str:
    """The ranking rule in words (fpxint_sim/dse/pareto.py cost_rule), as the sweep passed it."""
    return ctx.get("rank_rule", "energy x latency")


def _figures_line(ctx: dict) -> str:
    m = ctx["meta"]
    e, lat = ctx["figures"][0]["front2d"], ctx["figures"][1]["front2d"]
    return (f"{m['points']:,} points ({m['pruned']['constraints']:,} pruned by constraints, "
            f"{m['pruned']['unsupported_operands']:,} with operand widths the PEs lack). "
            f"{_front(ctx).replace(' front (', ' Pareto front over (')}: "
            f"{len(ctx['pareto3'])} "
            f"points, ranked by {_rank_rule(ctx)}. "
            f"2-D fronts: {e} points for error vs energy, {lat} for error vs latency.")


def _point_text(r: dict, settings: dict, e_unit) -> str:
    s = ", ".join(f"{k} {v}" for k, v in settings.items())
    return (f"{r['point_id']}: {s}; error {num(r['error'])}, energy "
            f"{num(r['energy_uj'] * 1e6 / e_unit[1])} {e_unit[0]}, latency "
            f"{num(r['latency_us'])} µs")


def summary_markdown(ctx: dict) -> str:
    m, best = ctx["meta"], ctx["best"]
    cols = list(next(iter(ctx["settings"].values())))
    md = [f"# Sweep summary: {m['space']} on {m['model']}", "", _figures_line(ctx),
          f"Budgets: {ctx['budgets']}. Ranking: lowest {_rank_rule(ctx)}, then error.", ""]
    if best:
        md.append("**Best point under the budgets:** " + _point_text(
            best, ctx["settings"][best["point_id"]], ("µJ", 1e6)))
    else:
        md.append(f"**No point of the {_front(ctx)} meets the budgets.**")
    md += ["", "| rank | point | " + " | ".join(cols)
           + " | error | energy (µJ) | latency (µs) | utilization |",
           "|---" * (len(cols) + 6) + "|"]
    for i, r in enumerate(ctx["feasible"][:MD_ROWS]):
        s = ctx["settings"][r["point_id"]]
        md.append(f"| {i + 1} | {r['point_id']} | " + " | ".join(s[c] for c in cols)
                  + f" | {num(r['error'])} | {num(r['energy_uj'])} | {num(r['latency_us'])} "
                  f"| {percent(r['utilization'])} |")
    md += [""] + [f"![{f['title']}]({f['file']})\n" for f in ctx["figures"]]
    return "\n".join(md)


def summary_html(ctx: dict) -> str:
    e_unit = energy_unit(statistics.median(r["energy_uj"] for r in ctx["rows"]) * 1e6)
    ids3 = {r["point_id"] for r in ctx["pareto3"]}
    rank = {r["point_id"]: i + 1 for i, r in enumerate(ctx["feasible"])}
    cols = list(next(iter(ctx["settings"].values())))
    rows = []
    for r in ctx["ordered"]:
        s = ctx["settings"][r["point_id"]]
        rows.append({"id": f"pt-{r['point_id']}", "cells": [
            (str(rank.get(r["point_id"], "")), rank.get(r["point_id"], 1e9), ""),
            (_front(ctx).split(" (")[0] if r["point_id"] in ids3 else "", None, "text"),
            (r["point_id"], None, "text"),
            (num(r["error"]), r["error"], ""),
            (num(r["energy_uj"] * 1e6 / e_unit[1]), r["energy_uj"], ""),
            (num(r["latency_us"]), r["latency_us"], ""),
            (percent(r["utilization"]), r["utilization"], ""),
            *((s[c], None, "text") for c in cols),
        ]})
    header = ["rank", "front", "point", "error", f"energy ({e_unit[0]})", "latency (µs)",
              "MAC util.", *cols]
    figures = []
    for f in ctx["figures"]:
        by_id = {r["point_id"]: r for r in ctx["rows"]}
        areas = [{"x": w["x_px"], "y": w["y_px"], "href": f"#pt-{w['point_id']}",
                  "title": _point_text(by_id[w["point_id"]], ctx["settings"][w["point_id"]],
                                       e_unit)} for w in f["where"]]
        figures.append({"id": f["id"], "title": f"Error vs {f['title'].split()[-1]}",
                        "note": "hover a dot for its settings, click it for its row",
                        "src": png_data_uri(f["png"]), "usemap": f"map-{f['id']}",
                        "areas": areas})
    best = ctx["best"]
    m = ctx["meta"]
    return render_page(
        "sweep.html.j2", title=f"Sweep: {m['space']} on {m['model']}",
        counts=_figures_line(ctx), front=_front(ctx), rank_rule=_rank_rule(ctx),
        budgets=ctx["budgets"], figures=figures,
        header=header,
        text_cols={1, 2, *range(7, 7 + len(cols))}, rows=rows, e_unit=e_unit[0],
        best=None if not best else {
            "id": best["point_id"], "settings": ctx["settings"][best["point_id"]],
            "figures": [("error", num(best["error"])),
                        ("energy", f"{num(best['energy_uj'] * 1e6 / e_unit[1])} {e_unit[0]}"),
                        ("latency", f"{num(best['latency_us'])} µs"),
                        ("MAC utilization", percent(best["utilization"])),
                        *((("area", f"{num(best['area_mm2'])} mm²"),)
                          if best.get("area_mm2") is not None else ())]})
