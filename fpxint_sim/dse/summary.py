"""What a sweep leaves for a person: pareto.csv, two plots, and a ranked summary (MD + HTML).

Two kinds of front are named apart everywhere: the 3-D front (no point is better on error,
energy AND latency) is pareto.csv and the ranking; each plot also draws the 2-D front of its
own axes (error vs energy, error vs latency), which holds fewer points.
"""

from __future__ import annotations

import csv
from pathlib import Path

from fpxint_sim.dse.pareto import OBJECTIVES, cost_rule, front, ranked, within_budgets
from fpxint_sim.dse.space import load_space, points

FIGURES = (("energy_uj", "pareto_energy.png", "error vs energy"),
           ("latency_us", "pareto_latency.png", "error vs latency"))


def point_settings(point) -> dict:
    """The hardware and expansion of one sweep point, as {label: text} a person reads."""
    hw, e = point.hw, point.expansion
    a_terms = (f"{e.a_terms}" if e.a_terms is not None
               else f"to tol {e.a_tol:g} (≤ {e.a_max_terms})")
    return {
        "array": f"{hw.array.array_rows}×{hw.array.array_cols}",
        "dataflow": hw.array.dataflow,
        "SRAM ifmap/filter/ofmap (KiB)":
            "/".join(f"{getattr(hw.sram, f'{b}_sram_kib'):g}" for b in ("ifmap", "filter",
                                                                          "ofmap")),
        "DRAM (B/cycle)": "unlimited" if hw.dram.dram_bw_bytes_per_cycle is None
        else f"{hw.dram.dram_bw_bytes_per_cycle:g}",
        "clock (MHz)": f"{hw.clock_mhz:g}",
        "node, DRAM": f"{hw.technology_node_nm} nm, {hw.dram_type}",
        "bits W/A": f"{e.w_bits}/{e.a_bits}",
        "weight terms": str(e.w_terms),
        "activation terms": a_terms,
        "jobs kept": "all" if e.truncate is None else f"i + j ≤ {e.truncate}",
    }


def _group(r: dict) -> str:
    return f"W{r['w_bits']}A{r['a_bits']}, {r['w_terms']} weight terms"


def _budget_text(budgets: dict) -> str:
    names = {"max_error": "error", "max_energy": "energy (µJ)", "max_latency": "latency (µs)",
             "max_area": "area (mm²)"}
    return ", ".join(f"{names[k]} ≤ {v:g}" for k, v in budgets.items() if v is not None) \
        or "none"


def table_order(rows: list[dict], pareto3: list[dict], feasible: list[dict],
                objectives=OBJECTIVES) -> list[dict]:
    """Front points under the budgets (ranked), the rest of the front, then every other point."""
    first = [r["point_id"] for r in feasible]
    taken = set(first)
    first += [r["point_id"] for r in pareto3 if r["point_id"] not in taken]
    taken.update(first)
    rest = [r for r in ranked(rows, objectives) if r["point_id"] not in taken]
    by_id = {r["point_id"]: r for r in rows}
    return [by_id[i] for i in first] + rest


def front_name(objectives) -> str:
    """'3-D front (error, energy, latency)', or 4-D with area: what the page calls the front."""
    words = {"error": "error", "energy_uj": "energy", "latency_us": "latency",
             "area_mm2": "area"}
    return f"{len(objectives)}-D front ({', '.join(words[o] for o in objectives)})"


def write_summary(out: Path, rows: list[dict], meta: dict, budgets: dict,
                  objectives=OBJECTIVES) -> dict:
    """pareto.csv, pareto_energy.png, pareto_latency.png, summary.md, summary.html in `out`."""
    from fpxint_sim.report.sweep_page import summary_html, summary_markdown
    from fpxint_sim.report.sweep_plot import front_scatter

    out = Path(out)
    by_id = {p.point_id: p for p in points(load_space(meta["space"]))[0]}
    settings = {r["point_id"]: point_settings(by_id[r["point_id"]]) for r in rows}
    pareto3 = front(rows, objectives)
    ids3 = {r["point_id"] for r in pareto3}
    with (out / "pareto.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(ranked(pareto3, objectives))
    figures = []
    for x, name, title in FIGURES:
        ids2 = {r["point_id"] for r in front(rows, ("error", x))}
        png, where = front_scatter(rows, ids2, ids3, x, _group, front_name(objectives))
        (out / name).write_bytes(png)
        figures.append({"id": name.removesuffix(".png").replace("_", "-"), "file": name,
                        "title": title, "png": png, "where": where, "front2d": len(ids2)})
    feasible = ranked(within_budgets(pareto3, **budgets), objectives)
    best = feasible[0] if feasible else None
    context = {"meta": meta, "rows": rows, "pareto3": ranked(pareto3, objectives),
               "feasible": feasible, "front_name": front_name(objectives),
               "rank_rule": cost_rule(objectives),
               "ordered": table_order(rows, ranked(pareto3, objectives), feasible, objectives),
               "best": best, "settings": settings, "figures": figures,
               "budgets": _budget_text(budgets)}
    (out / "summary.md").write_text(summary_markdown(context))
    (out / "summary.html").write_text(summary_html(context), encoding="utf-8")
    return {"pareto_points": len(pareto3), "best": best}
