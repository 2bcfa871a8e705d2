"""`fpxint-sim accuracy`: how close an expanded model stays to its float original."""

from __future__ import annotations

import json
import math
import sys

from fpxint_sim.errors import InputError


def add_parser(sub):
    p = sub.add_parser(
        "accuracy", help="accuracy of an expanded model against the float model",
        description="Expand a bundled model (no calibration data) and compare it with the float "
        "model. digits_cnn: test accuracy, top-1 agreement, logit SQNR. minilm: cosine similarity "
        "of sentence embeddings and nearest-neighbour agreement. Also the integer jobs per "
        "inference.")
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
    p.add_argument("--sentences", metavar="FILE", help="minilm: one sentence per line")
    p.add_argument("--baseline", choices=("hqq",),
                   help="instead of the expansion: HQQ 4-bit weight-only, group 64 (extra 'hqq')")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(run=run)


def config_from_args(args, per_token: bool):
    from fpxint_sim.expand import ExpansionConfig  # torch: imported only when a model runs

    return ExpansionConfig(
        w_bits=args.w_bits, a_bits=args.a_bits, w_terms=args.w_terms, a_terms=args.a_terms,
        a_tol=args.tol, a_max_terms=args.a_max_terms, truncate=args.truncate,
        scale_policy=args.scale_policy, per_token=per_token,
        a_clip=None if args.no_clip else "laplace")


def run(args) -> int:
    from fpxint_sim.accuracy import evaluate as ev
    from fpxint_sim.accuracy.sentences import default_sentences, read_sentences

    if args.model == "digits_cnn":
        if args.sentences:
            raise InputError("--sentences applies to --model minilm only")
        result = ev.evaluate_digits_hqq() if args.baseline else ev.evaluate_digits(
            config_from_args(args, per_token=False))
    elif args.model == "minilm":
        cfg = config_from_args(args, per_token=True)
        sentences = read_sentences(args.sentences) if args.sentences else default_sentences()
        result = ev.evaluate_minilm_hqq(sentences) if args.baseline else ev.evaluate_minilm(
            cfg, sentences)
    else:
        raise InputError(f"unknown model {args.model!r}: choose one of digits_cnn, minilm")
    if args.json:
        json.dump(result, sys.stdout, indent=2,
                  default=lambda v: None if isinstance(v, float) and math.isinf(v) else v)
        sys.stdout.write("\n")
    else:
        print(format_result(result))
    return 0


def format_result(r: dict) -> str:
    lines = [f"{r['model']}  {r['config']}"]
    if r["model"] == "digits_cnn":
        lines += [f"  test accuracy      {r['accuracy']:.4f}  (float {r['float_accuracy']:.4f}, "
                  f"{r['samples']} samples)",
                  f"  top-1 agreement    {r['top1_agreement']:.4f}",
                  f"  logit SQNR         {r['logit_sqnr_db']:.1f} dB"]
    else:
        lines += [f"  mean cosine        {r['mean_cosine']:.7f}  (min {r['min_cosine']:.7f}, "
                  f"{r['sentences']} sentences)",
                  f"  NN agreement       {r['nn_agreement']:.4f}"]
    lines.append(f"  integer jobs       {r['jobs_per_inference']:g} per inference")
    if r["float_layers"]:
        names = "; ".join(f"{n} ({t})" for n, t in r["float_layers"][:6])
        more = len(r["float_layers"]) - 6
        lines.append(f"  left in float      {names}" + (f" and {more} more" if more > 0 else ""))
    lines.append(f"  time               {r['seconds']:.1f} s")
    return "\n".join(lines)
