"""What a sweep leaves for a person: pareto.csv, two plots, and a ranked summary (MD + HTML)."""

from __future__ import annotations

import base64
import csv
import html
import io
from pathlib import Path

from fpxint_sim.dse.pareto import OBJECTIVES, front, ranked, within_budgets

SHOWN = ("point_id", "error", "top1_agreement", "energy_uj", "latency_us", "area_mm2", "cycles",
         "pes", "sram_kib", "w_bits", "a_bits", "w_terms", "a_terms_max", "int_jobs",
         "utilization")


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _plot(rows, pareto_ids, x: str, path: Path) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    groups = sorted({(r["w_bits"], r["a_bits"], r["w_terms"]) for r in rows})
    cmap = plt.get_cmap("tab10")
    for gi, g in enumerate(groups):
        sel = [r for r in rows if (r["w_bits"], r["a_bits"], r["w_terms"]) == g]
        ax.scatter([r[x] for r in sel], [r["error"] for r in sel], s=14, alpha=0.6,
                   color=cmap(gi % 10), label=f"W{g[0]}A{g[1]}, n_w={g[2]}")
    fr = sorted((r for r in rows if r["point_id"] in pareto_ids), key=lambda r: r[x])
    ax.plot([r[x] for r in fr], [r["error"] for r in fr], "k.-", lw=1, ms=8,
            label=f"Pareto front ({len(fr)})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel({"energy_uj": "energy per inference (uJ)",
                   "latency_us": "latency per inference (us)"}[x])
    ax.set_ylabel("error (lower is better)")
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


def write_summary(out: Path, rows: list[dict], meta: dict, budgets: dict,
                  objectives=OBJECTIVES) -> dict:
    """pareto.csv, pareto_energy.png, pareto_latency.png, summary.md, summary.html in `out`."""
    out = Path(out)
    pareto3 = front(rows, objectives)
    ids_e = {r["point_id"] for r in front(rows, ("error", "energy_uj"))}
    ids_l = {r["point_id"] for r in front(rows, ("error", "latency_us"))}
    with (out / "pareto.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(ranked(pareto3, objectives))
    png_e = _plot(rows, ids_e, "energy_uj", out / "pareto_energy.png")
    png_l = _plot(rows, ids_l, "latency_us", out / "pareto_latency.png")
    feasible = ranked(within_budgets(pareto3, **budgets), objectives)
    best = feasible[0] if feasible else None
    budget_txt = ", ".join(f"{k} <= {v}" for k, v in budgets.items() if v is not None) or "none"
    md = [f"# Sweep summary: {meta['space']} on {meta['model']}", "",
          f"{meta['points']} points ({meta['pruned']['constraints']} pruned by constraints, "
          f"{meta['pruned']['unsupported_operands']} with operand widths the PEs lack), "
          f"{len(pareto3)} on the Pareto front over ({', '.join(objectives)}).",
          f"Budgets: {budget_txt}. Ranking: lowest energy x latency"
          + (" x area" if "area_mm2" in objectives else "") + ", then error.", ""]
    if best:
        md.append("**Best point under the budgets:** " + ", ".join(
            f"{k} = {_fmt(v)}" for k, v in best.items() if k.startswith(("hw.", "exp."))
            or k in ("error", "energy_uj", "latency_us")))
    else:
        md.append("**No Pareto point meets the budgets.**")
    md += ["", "| rank | " + " | ".join(SHOWN) + " |", "|---" * (len(SHOWN) + 1) + "|"]
    md += [f"| {i + 1} | " + " | ".join(_fmt(r[c]) for c in SHOWN) + " |"
           for i, r in enumerate(feasible[:20])]
    md += ["", "![error vs energy](pareto_energy.png)", "",
           "![error vs latency](pareto_latency.png)", ""]
    (out / "summary.md").write_text("\n".join(md))
    imgs = "".join(f'<img alt="{a}" src="data:image/png;base64,{base64.b64encode(p).decode()}">'
                   for a, p in (("error vs energy", png_e), ("error vs latency", png_l)))
    table = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(r[c]))}</td>" for c in SHOWN)
                    + "</tr>" for r in feasible[:50])
    (out / "summary.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>fpxint_sim sweep</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;"
        "border-bottom:1px solid #ddd;text-align:right}</style>"
        f"<h1>Sweep: {html.escape(meta['space'])} on {html.escape(meta['model'])}</h1>"
        + "".join(f"<p>{html.escape(line)}</p>" for line in md[2:5] if line)
        + f"<div>{imgs}</div><table><tr>"
        + "".join(f"<th>{c}</th>" for c in SHOWN) + f"</tr>{table}</table>")
    return {"pareto_points": len(pareto3), "best": best}
