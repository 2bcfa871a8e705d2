"""`fpxint-sim demo`: the main job on the bundled default, no arguments needed.

Expands the bundled digits CNN's weights to INT4 series and prints the convergence table.
"""

from __future__ import annotations

from fpxint_sim.analysis.weight_convergence import model_convergence
from fpxint_sim.cli.tables import format_convergence_table


def add_parser(sub):
    p = sub.add_parser("demo", help="run the main job on the bundled digits CNN",
                       description="Expand the bundled digits CNN to INT4 series (4 terms, per "
                       "output channel) and print the error after each term.")
    p.set_defaults(run=run)


def run(args) -> int:
    result = model_convergence("digits_cnn", bits=4, max_terms=4)
    print(format_convergence_table(result))
    return 0
