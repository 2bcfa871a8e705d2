"""Expansion options shared by `accuracy`, `lower` and `verify`: one set of flags, one meaning."""

from __future__ import annotations


def add_expansion_args(p, samples: bool = True) -> None:
    p.add_argument("--model", required=True, help="digits_cnn or minilm")
    p.add_argument("--w-bits", type=int, default=4, help="weight bits 2..8, or 16 = float")
    p.add_argument("--a-bits", type=int, default=4, help="activation bits 2..8, or 16 = float")
    p.add_argument("--w-terms", type=int, default=3, help="weight terms (default 3)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--a-terms", type=int, help="fixed activation terms")
    group.add_argument("--tol", type=float, default=1e-4,
                       help="expand activations until max|residual| < TOL (default 1e-4)")
    p.add_argument("--a-max-terms", type=int, default=8, help="cap with --tol (default 8)")
    p.add_argument("--truncate", type=int, metavar="K", help="keep pairs with i + j <= K")
    p.add_argument("--scale-policy", choices=("free", "pow2"), default="free")
    p.add_argument("--no-clip", action="store_true", help="no Laplace clip on the first term")
    if samples:
        p.add_argument("--samples", type=int,
                       help="input batch: digits images / minilm sentences")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def config_from_args(args, per_token: bool):
    from fpxint_sim.expand import ExpansionConfig  # torch: imported only when a model runs

    return ExpansionConfig(
        w_bits=args.w_bits, a_bits=args.a_bits, w_terms=args.w_terms, a_terms=args.a_terms,
        a_tol=args.tol, a_max_terms=args.a_max_terms, truncate=args.truncate,
        scale_policy=args.scale_policy, per_token=per_token,
        a_clip=None if args.no_clip else "laplace")


def expansion_config(args):
    """ExpansionConfig of the parsed flags (per-token activation scales for minilm)."""
    return config_from_args(args, per_token=args.model == "minilm")
