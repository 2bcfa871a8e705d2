"""Expansion options shared by `lower` and `verify` (the same flags as `accuracy`)."""

from __future__ import annotations

from fpxint_sim.cli.accuracy_cmd import config_from_args


def add_expansion_args(p) -> None:
    p.add_argument("--model", required=True, help="digits_cnn or minilm")
    p.add_argument("--w-bits", type=int, default=4, help="weight bits 2..8")
    p.add_argument("--a-bits", type=int, default=4, help="activation bits 2..8")
    p.add_argument("--w-terms", type=int, default=3, help="weight terms (default 3)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--a-terms", type=int, help="fixed activation terms")
    group.add_argument("--tol", type=float, default=1e-4,
                       help="expand activations until max|residual| < TOL (default 1e-4)")
    p.add_argument("--a-max-terms", type=int, default=8, help="cap with --tol (default 8)")
    p.add_argument("--truncate", type=int, metavar="K", help="keep pairs with i + j <= K")
    p.add_argument("--scale-policy", choices=("free", "pow2"), default="free")
    p.add_argument("--no-clip", action="store_true", help="no Laplace clip on the first term")
    p.add_argument("--samples", type=int, help="input batch: digits images / minilm sentences")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def expansion_config(args):
    """ExpansionConfig of the parsed flags (per-token activation scales for minilm)."""
    return config_from_args(args, per_token=args.model == "minilm")
