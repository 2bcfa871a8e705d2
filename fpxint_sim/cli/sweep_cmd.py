"""`fpxint-sim sweep`: design-space exploration over accelerators and expansion settings."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path


def budget(text: str) -> float:
    """A sweep budget: a finite number >= 0 (argparse turns the error into exit 2)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return value


def add_parser(sub):
    p = sub.add_parser(
        "sweep", help="sweep accelerators x expansion settings; Pareto fronts",
        description="Run every point of a sweep space (hw_configs/sweeps/*.yaml): the accuracy "
        "of each expansion setting once, the performance model for every point, rows streamed "
        "to OUT/points.csv; then pareto.csv, plots and a ranked summary.")
    from fpxint_sim.cli.expansion_args import MODEL_HELP

    p.add_argument("--model", required=True, help=f"{MODEL_HELP}; runs on its own example "
                   "inputs (digits_cnn: the 449 test images)")
    p.add_argument("--space", required=True, help="sweep space YAML")
    p.add_argument("--out", required=True, help="output folder (bound to this space)")
    p.add_argument("--workers", type=int,
                   help="local processes (default: 2; at most the CPU count)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on this Dask scheduler")
    p.add_argument("--resume", action="store_true", help="run only the points not yet in OUT")
    p.add_argument("--max-error", type=budget, help="error budget (a finite number >= 0)")
    p.add_argument("--max-energy", type=budget, help="uJ per inference")
    p.add_argument("--max-latency", type=budget, help="us per inference")
    p.add_argument("--max-area", type=budget, help="mm^2 of the accelerator at its node")
    p.add_argument("--rank-area", action="store_true",
                   help="Pareto front over error, energy, latency and area; rank by "
                   "energy x latency x area")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from fpxint_sim.cli.progress import show_progress
    from fpxint_sim.dse.model_workload import check_sweep_model
    from fpxint_sim.dse.pareto import OBJECTIVES, OBJECTIVES_WITH_AREA
    from fpxint_sim.dse.run_store import read_rows
    from fpxint_sim.dse.runner import run_sweep, worker_count
    from fpxint_sim.dse.space import load_space
    from fpxint_sim.dse.summary import front_name, write_summary

    workers, note = worker_count(args.workers)
    if note and not args.scheduler:
        print(f"fpxint-sim sweep: {note}", file=sys.stderr)
    space = load_space(args.space)
    check_sweep_model(args.model)
    out = Path(args.out)
    stats = run_sweep(space, args.model, out, workers, args.scheduler, args.resume,
                      progress=show_progress(args))
    rows = read_rows(out)
    budgets = {"max_error": args.max_error, "max_energy": args.max_energy,
               "max_latency": args.max_latency, "max_area": args.max_area}
    meta = {"space": args.space, "model": args.model, "points": stats["points"],
            "pruned": stats["pruned"]}
    objectives = OBJECTIVES_WITH_AREA if args.rank_area else OBJECTIVES
    summary = write_summary(out, rows, meta, budgets, objectives)
    doc = {**stats, **summary, "points_per_second": stats["ran"] / max(stats["seconds"], 1e-9),
           "out": str(out)}
    if args.json:
        json.dump(doc, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        dropped = stats["pruned"]
        print(f"{stats['ran']} points run ({stats['skipped_done']} already done, "
              f"{dropped['constraints']} pruned by constraints, "
              f"{dropped['unsupported_operands']} with operand widths the PEs lack) in "
              f"{stats['seconds']:.1f} s: accuracy "
              f"{stats['accuracy_seconds']:.1f} s for {stats['settings']} expansion settings, "
              f"performance model {stats['performance_seconds']:.1f} s "
              f"({doc['points_per_second']:.0f} points/s)")
        print(f"{front_name(objectives).replace(' front', ' Pareto front')}: "
              f"{summary['pareto_points']} points; "
              f"summary: {out / 'summary.html'}")
        if summary["best"]:
            b = summary["best"]
            print(f"best under budgets: {b['point_id']} error {b['error']:.3g}, energy "
                  f"{b['energy_uj']:.3g} uJ, latency {b['latency_us']:.3g} us, area "
                  f"{b['area_mm2']:.3g} mm^2")
    return 0
