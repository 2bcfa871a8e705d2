"""`fpxint-sim accuracy`: how close an expanded model stays to its float original."""

from __future__ import annotations

import json
import math
import sys

from fpxint_sim.cli.expansion_args import add_expansion_args, config_from_args
from fpxint_sim.cli.progress import layer_progress
from fpxint_sim.errors import InputError
from fpxint_sim.report.text_table import model_label


def add_parser(sub):
    p = sub.add_parser(
        "accuracy", help="accuracy of an expanded model against the float model",
        description="Expand a model (no calibration data) and compare it with the float "
        "model. digits_cnn: test accuracy, top-1 agreement, logit SQNR. minilm: cosine similarity "
        "of sentence embeddings and nearest-neighbour agreement. Other models, on their example "
        "inputs or --input: max abs error, SQNR, mean cosine, and top-1 agreement when the "
        "output is (N, classes) logits. Also the integer jobs per inference.")
    add_expansion_args(p, samples=False)
    p.add_argument("--sentences", metavar="FILE", help="minilm: one sentence per line")
    p.add_argument("--baseline", choices=("hqq",),
                   help="instead of the expansion: HQQ weight-only at --w-bits (default 4), "
                   "group 64 (extra 'hqq')")
    p.set_defaults(run=run)


def run(args) -> int:
    from fpxint_sim.accuracy import evaluate as ev
    from fpxint_sim.models.sentences import default_sentences, read_sentences

    if args.baseline:
        _check_baseline_flags(args)
    with layer_progress(args, "accuracy: layers run"):
        if args.input and args.model in ("digits_cnn", "minilm"):
            raise InputError(f"--input does not apply to {args.model}: it runs on its own "
                             "test data")
        if args.model == "digits_cnn":
            if args.sentences:
                raise InputError("--sentences applies to --model minilm only")
            result = ev.evaluate_digits_hqq(_hqq_bits(args)) if args.baseline \
                else ev.evaluate_digits(config_from_args(args, per_token=False))
        elif args.model == "minilm":
            cfg = config_from_args(args, per_token=True)
            sentences = read_sentences(args.sentences) if args.sentences else default_sentences()
            result = ev.evaluate_minilm_hqq(sentences, _hqq_bits(args)) if args.baseline \
                else ev.evaluate_minilm(
                cfg, sentences)
        else:
            from fpxint_sim.models.source import resolve_model
            from fpxint_sim.workload.source_accuracy import evaluate_source

            if args.sentences or args.baseline:
                raise InputError(f"--{'sentences' if args.sentences else 'baseline'} applies to "
                                 "digits_cnn and minilm only")
            source = resolve_model(args.model, args.input)
            result = evaluate_source(source, config_from_args(args, source.per_token))
    if args.json:
        json.dump(result, sys.stdout, indent=2,
                  default=lambda v: None if isinstance(v, float) and math.isinf(v) else v)
        sys.stdout.write("\n")
    else:
        print(format_result(result))
    return 0


# expansion flags that mean nothing to HQQ (weight-only, its own group scales, no series)
NOT_FOR_BASELINE = (("a_bits", "--a-bits"), ("w_terms", "--w-terms"), ("a_terms", "--a-terms"),
                    ("tol", "--tol"), ("a_max_terms", "--a-max-terms"),
                    ("truncate", "--truncate"), ("scale_policy", "--scale-policy"),
                    ("no_clip", "--no-clip"))


def _check_baseline_flags(args) -> None:
    """--baseline hqq replaces the expansion: a flag of the expansion would be ignored, so it
    is refused; --w-bits sets HQQ's bits (2..8)."""
    given = [flag for key, flag in NOT_FOR_BASELINE if getattr(args, key, None)]
    if given:
        raise InputError(f"{', '.join(given)} set{'s' if len(given) == 1 else ''} the expansion, "
                         "which --baseline hqq replaces (HQQ weight-only, group 64; only "
                         "--w-bits applies)")
    if args.w_bits is not None and not 2 <= args.w_bits <= 8:
        raise InputError(f"--w-bits {args.w_bits}: HQQ takes 2..8 bits")


def _hqq_bits(args) -> int:
    return 4 if args.w_bits is None else args.w_bits


def format_result(r: dict) -> str:
    lines = [f"{r['model']}  {r['config']}"]
    if "weights" in r:
        lines.append("  model              " + model_label(r["description"], r["weights"]))
        lines.append(f"  input              {r['input']}")
    if "max_abs_error" in r:
        lines.append(f"  max abs error      {r['max_abs_error']:.4g}")
        sqnr = r["sqnr_db"]
        lines.append("  SQNR               " + ("inf (identical)" if sqnr is None
                                                else f"{sqnr:.1f} dB"))
        lines.append(f"  mean cosine        {r['mean_cosine']:.7f}")
        if "top1_agreement" in r:
            lines.append(f"  top-1 agreement    {r['top1_agreement']:.4f}")
    elif r["model"] == "digits_cnn":
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
