"""`fpxint-sim lower`: the integer basis network of an expanded model, layer by layer."""

from __future__ import annotations

import json
import sys

from fpxint_sim.cli.expansion_args import add_expansion_args, config_from_args

LOWER_SAMPLES = {"digits_cnn": 64, "minilm": 64}


def add_parser(sub):
    p = sub.add_parser(
        "lower", help="print the integer basis network (jobs and epilogues per layer)",
        description="Expand a model and lower it to integer jobs, measuring the activation "
        "terms on one real input batch (digits_cnn: the first 64 test images; minilm: 64 "
        "default sentences; other models: their example inputs or --input). Per layer: kind, "
        "GEMM shape, operand precisions and zero points, weight/activation terms, jobs kept, "
        "MACs.")
    add_expansion_args(p)
    p.set_defaults(run=run)


def lower(args):
    """(NetworkIR, ModelSource) for the parsed flags."""
    from fpxint_sim.ir import lower_model
    from fpxint_sim.models.prepare import expand_source
    from fpxint_sim.models.source import resolve_model

    source = resolve_model(args.model, args.input, args.samples, LOWER_SAMPLES)
    cfg = config_from_args(args, source.per_token)
    source.reference()  # a model that fails on its inputs: one line naming both
    em = expand_source(source, cfg)
    return lower_model(em, source.forward, args.model), source


def run(args) -> int:
    from fpxint_sim.cli.lower_format import format_network, network_summary
    from fpxint_sim.cli.tables import model_label

    net, source = lower(args)
    if args.json:
        json.dump({**network_summary(net), "input": source.input_description,
                   "description": source.description, "weights": source.weights},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(model_label(source.description, source.weights))
        print(format_network(net, source.input_description))
    return 0
