"""`fpxint-sim lower`: the integer basis network of an expanded model, layer by layer."""

from __future__ import annotations

import json
import sys

from fpxint_sim.cli.expansion_args import add_expansion_args, expansion_config


def add_parser(sub):
    p = sub.add_parser(
        "lower", help="print the integer basis network (jobs and epilogues per layer)",
        description="Expand a bundled model and lower it to integer jobs, measuring the "
        "activation terms on one real input batch (digits_cnn: the first 64 test images; "
        "minilm: 64 default sentences). Per layer: kind, GEMM shape, operand precisions and "
        "zero points, weight/activation terms, jobs kept, MACs.")
    add_expansion_args(p)
    p.set_defaults(run=run)


def lower(args):
    """(NetworkIR, input description, Captured graph) for the parsed flags."""
    from fpxint_sim.capture import capture_forward
    from fpxint_sim.expand import expand_model
    from fpxint_sim.ir import lower_model
    from fpxint_sim.models.sample_batch import sample_forward

    cfg = expansion_config(args)
    loaded, forward, what = sample_forward(args.model, args.samples)
    captured = capture_forward(loaded.module, forward)
    em = expand_model(captured.module, cfg)
    return lower_model(em, forward, args.model), what, captured


def run(args) -> int:
    from fpxint_sim.capture import format_ops, ops_summary
    from fpxint_sim.cli.lower_format import format_network, network_summary

    net, what, captured = lower(args)
    if args.json:
        json.dump({**network_summary(net), "input": what, "graph": ops_summary(captured)},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_network(net, what))
        print(format_ops(captured))
    return 0
