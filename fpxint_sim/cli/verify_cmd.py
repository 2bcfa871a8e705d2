"""`fpxint-sim verify`: the engine on an accelerator against PyTorch, job by job, bit for bit."""

from __future__ import annotations

import json
import sys

from fpxint_sim.cli import verify_w4a16
from fpxint_sim.cli.expansion_args import add_expansion_args, config_from_args, settings_from_args
from fpxint_sim.cli.progress import layer_progress
from fpxint_sim.cli.verify_text import float_layer_lines, left_float_lines
from fpxint_sim.report.text_table import format_table, model_label


def add_parser(sub):
    p = sub.add_parser(
        "verify", help="check the bit-exact engine against PyTorch integer references",
        description="Run a model (digits_cnn: the first 64 test images; minilm: 4 default "
        "sentences; other models: their example inputs or --input) through the engine on an "
        "accelerator description. Checks every job's accumulators against PyTorch integer "
        "references of the configured arithmetic, and the outputs against the PyTorch "
        "expanded network. With --a-bits 16 and --w-bits 4: the W4A16 value path (INT4 "
        "weight terms x fp16/bf16 activations, the description's w4a16 section, "
        "docs/w4a16.md), every job and layer output bit for bit. Exit 0 when all match, "
        "1 when not (first mismatches listed), when no job ran, or when an integer-eligible "
        "op of the captured graph stayed float; 2 on bad input. See docs/engine.md.")
    add_expansion_args(p)
    p.add_argument("--allow-float", action="append", default=[], metavar="NAME",
                   help="accept that the named op (as `lower` lists it) stays float; repeatable")
    p.add_argument("--hw", help="accelerator description (YAML or SCALE-Sim .cfg); default: "
                   "hw_configs/bitfusion_16x16.yaml")
    p.set_defaults(run=run)


def run(args) -> int:
    from fpxint_sim.hw import default_hw_config_path, load_accelerator
    from fpxint_sim.models.source import resolve_model
    from fpxint_sim.verify.source_check import VERIFY_SAMPLES, verify_source

    hw = load_accelerator(args.hw or default_hw_config_path())
    w4a16 = verify_w4a16.is_w4a16_request(settings_from_args(args))
    if w4a16:
        verify_w4a16.check_request(args, hw)  # before any model work
    source = resolve_model(args.model, args.input, args.samples, VERIFY_SAMPLES)
    source.reference()  # a model that fails on its inputs: one line naming both
    cfg = config_from_args(args, source.per_token)
    if w4a16:
        result = verify_w4a16.run(args, source, cfg, hw, layer_progress(args, "verify: layers run"))
        formatted = verify_w4a16.format_result
    else:
        with layer_progress(args, "verify: layers run"):
            result = verify_source(source, cfg, hw, allow_float=frozenset(args.allow_float))
        formatted = format_result
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(formatted(result))
    return 0 if result["ok"] else 1


def format_result(r: dict) -> str:
    acc = r["accumulator"]
    arith = f"{acc['bits']}-bit {acc['overflow']}" + (
        ", fbgemm int16 pairs" if acc["pair_saturate_int16"] else "")
    rows = [[L["layer"], L["kind"], f"{L['macs']:,}", len(L["jobs"]),
             "/".join(str(n) for n in sorted(set(L["activation_terms"]))),
             L["overflow"], L["pair_saturated"], L["mismatched_outputs"]] for L in r["layers"]]
    lines = [f"{r['model']}  {r['config']}  on {r['hw']} ({arith})  input: {r['input']}",
             "model: " + model_label(r["description"], r["weights"]),
             format_table(["layer", "kind", "MACs", "jobs", "n_a", "overflow", "pair sat",
                           "mismatches"], rows),
             f"jobs checked {r['jobs_checked']}, mismatched accumulators "
             f"{r['mismatched_outputs']}, overflow events {r['overflow_events']}, "
             f"pair saturations {r['pair_saturated_events']}",
             f"outputs vs PyTorch expanded network: max |diff| {r['output_max_abs_diff']:.3g}"
             f" ({'bit-identical' if r['outputs_bit_identical'] else 'NOT identical'})"]
    lines += float_layer_lines(r)
    for m in r["first_mismatches"]:
        lines.append(f"  mismatch {m['layer']} job {tuple(m['job'])} {m['what']} "
                     f"index {tuple(m['index'])}: engine {m['engine']}, reference "
                     f"{m['reference']}")
    lines += left_float_lines(r)
    events = r["overflow_events"] + r["pair_saturated_events"]
    if r["mismatched_outputs"] == 0 and not r["outputs_bit_identical"] and events:
        lines.append(f"the engine matches the declared arithmetic; the outputs differ from the "
                     f"exact network because {events} accumulators overflowed or saturated as "
                     "this accelerator does")
    if r["nothing_ran"]:
        lines.append("nothing checked: no integer job ran (both operands kept float?); "
                     "a verify needs at least one job")
    lines.append(f"{'OK' if r['ok'] else 'FAILED'}  ({r['seconds']:.1f} s, engine "
                 f"{r['engine_seconds']:.1f} s)")
    return "\n".join(lines)
