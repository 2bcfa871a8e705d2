"""`fpxint-sim expand`: convergence of every weight tensor of a model, term by term."""

from __future__ import annotations

import json
import sys

from fpxint_sim.report.text_table import format_convergence_table


def add_parser(sub):
    p = sub.add_parser("expand", help="expand every weight tensor of a model; error per term",
                       description="For every weight tensor (Linear, Conv, Embedding) of a model, "
                       "the max and relative error after 1..N terms of the series.")
    p.add_argument("--model", required=True, help="bundled model: digits_cnn or minilm")
    p.add_argument("--bits", type=int, default=4, help="bits per term, 2..8 (default 4)")
    p.add_argument("--max-terms", type=int, default=4, help="terms to report, >= 1 (default 4)")
    p.add_argument("--scale-policy", choices=("free", "pow2"), default="free")
    p.add_argument("--per-tensor", action="store_true",
                   help="one scale per tensor (default: per output channel)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from fpxint_sim.analysis.weight_convergence import model_convergence  # Numba: when needed

    result = model_convergence(args.model, bits=args.bits, max_terms=args.max_terms,
                               per_channel=not args.per_tensor, scale_policy=args.scale_policy)
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_convergence_table(result))
    return 0
