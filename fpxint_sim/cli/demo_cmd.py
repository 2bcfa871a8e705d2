"""`fpxint-sim demo`: the main job on the bundled defaults, no arguments needed.

The bundled digits CNN expanded with the defaults of every command (fpxint_sim/
expansion_defaults.py: W4A4, 2 weight terms, activations to max|residual| < 1e-4, at most 6
terms), run on its 449 test images and costed on the default accelerator: the weight
convergence in one line, the summary table, and the report written to ./fpxint_sim_demo
(replaced when it holds a previous report; anything else there is refused, not deleted).
"""

from __future__ import annotations

import argparse

DEFAULT_OUT = "fpxint_sim_demo"


def add_parser(sub):
    p = sub.add_parser(
        "demo", help="run the main job on the bundled digits CNN and write a report",
        description="Expand the bundled digits CNN to W4A4 series (2 weight terms, activations "
        "to 1e-4, at most 6 terms), run it on the 449 test images, cost every integer job on "
        "the default accelerator, print a summary and write the report.")
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT,
                   help=f"report directory (default ./{DEFAULT_OUT})")
    p.add_argument("--json", action="store_true",
                   help="print the report document (as in report.json) instead of the summary")
    p.set_defaults(run=run)


def demo_run_args(out: str | None, as_json: bool = False) -> argparse.Namespace:
    """The `fpxint-sim run` arguments the demo stands for, parsed by run's own parser so that
    every default is run's (one set of defaults, not a copy)."""
    from fpxint_sim.cli.main import build_parser

    argv = ["run", "--model", "digits_cnn", "--w-bits", "4", "--a-bits", "4"]
    argv += ["--out", out] if out else []
    argv += ["--json"] if as_json else []
    return build_parser().parse_args(argv)


def weight_convergence_line(bits: int = 4, max_terms: int = 4) -> str:
    """Max error of all the CNN's weights after 1..max_terms INT<bits> terms, on one line."""
    from fpxint_sim.analysis.weight_convergence import model_convergence

    r = model_convergence("digits_cnn", bits=bits, max_terms=max_terms)
    errors = "  ".join(f"n={k} {e:.2e}" for k, e in enumerate(r["total"]["max_abs_error"], 1))
    return (f"weights: INT{bits} series of all {r['n_weights']:,} weights, per output channel, "
            f"max|err|  {errors}")


def run(args) -> int:
    from fpxint_sim.cli import run_cmd
    from fpxint_sim.report.output_dir import check_out_dir

    if args.out:
        check_out_dir(args.out)  # refuse a folder of user files before printing anything
    if not getattr(args, "json", False):
        print(weight_convergence_line())
    return run_cmd.run(demo_run_args(args.out, getattr(args, "json", False)))
