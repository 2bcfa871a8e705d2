"""`fpxint-sim verify --a-bits 16` with integer weights: the W4A16 value path
(fpxint_sim/verify/w4a16_check.py), its flag checks and its text report."""

from __future__ import annotations

from fpxint_sim.cli.verify_text import float_layer_lines, left_float_lines
from fpxint_sim.errors import InputError
from fpxint_sim.report.text_table import format_table, model_label

# Flags of the activation series: with 16-bit float activations they would silently do nothing.
ACTIVATION_SERIES_FLAGS = (("a_terms", "--a-terms"), ("tol", "--tol"),
                           ("a_max_terms", "--a-max-terms"), ("truncate", "--truncate"),
                           ("no_clip", "--no-clip"))


def is_w4a16_request(settings: dict) -> bool:
    """16-bit float activations with integer weight terms."""
    return settings["a_bits"] == 16 and settings["w_bits"] != 16


def check_request(args, hw) -> None:
    """Refuse activation-series flags (W4A16 activations are not expanded), weights other
    than INT4 and a description without a w4a16 section."""
    from fpxint_sim.cli.expansion_args import settings_from_args
    from fpxint_sim.verify.w4a16_check import check_w4a16_request

    for attr, flag in ACTIVATION_SERIES_FLAGS:
        if getattr(args, attr, None) not in (None, False):
            raise InputError(f"{flag} has no meaning with --a-bits 16: W4A16 activations stay "
                             "16-bit float (no activation terms)")
    check_w4a16_request(settings_from_args(args)["w_bits"], hw)


def run(args, source, cfg, hw, progress) -> dict:
    """The W4A16 verify result (verify_cmd prints it with format_result below)."""
    from fpxint_sim.verify.w4a16_check import verify_w4a16_source

    with progress:
        return verify_w4a16_source(source, cfg, hw, allow_float=frozenset(args.allow_float))


def format_result(r: dict) -> str:
    arith = f"array_rows {r['arithmetic']['array_rows']}"
    rows = [[L["name"], L["kind"], L["mac"], f"{L['macs']:,}", L["jobs"],
             L["mismatched_accumulators"], L["mismatched_outputs"]] for L in r["layers"]]
    lines = [f"{r['model']}  {r['config']}  on {r['hw']} ({arith})  input: {r['input']}",
             "model: " + model_label(r["description"], r["weights"]),
             format_table(["layer", "kind", "MACs on", "MACs", "jobs", "bad acc",
                           "bad outputs"], rows),
             f"jobs checked {r['jobs_checked']}, mismatched accumulators "
             f"{r['mismatched_accumulators']}, mismatched layer outputs "
             f"{r['mismatched_layer_outputs']}",
             f"outputs vs PyTorch W4A16 network: max |diff| {r['output_max_abs_diff']:.3g}"
             f" ({'bit-identical' if r['outputs_bit_identical'] else 'NOT identical'})"]
    lines += float_layer_lines(r)
    for m in r["first_mismatches"]:
        where = "" if m["index"] is None else f" index {tuple(m['index'])}"
        lines.append(f"  mismatch {m['layer']} {m['what']}{where}: engine {m['engine']}, "
                     f"reference {m['reference']}")
    lines += left_float_lines(r)
    if r["nothing_ran"]:
        lines.append("nothing checked: no W4A16 job ran; a verify needs at least one job")
    lines.append(f"{'OK' if r['ok'] else 'FAILED'}  ({r['seconds']:.1f} s, engine "
                 f"{r['engine_seconds']:.1f} s)")
    return "\n".join(lines)
