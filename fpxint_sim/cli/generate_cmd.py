"""`fpxint-sim generate`: cost prefill and decode of a decoder; values too for a value model.

Reads a decode topology (shipped: llama2-7b, llama2-70b, gpt2-xl, or a YAML file), costs
every GEMM of the prefill and of each decode step with the per-job model, and prints or writes
the per-phase report (docs/llm.md); torch is never imported for a topology. A value model
(tiny-llama) is costed from its own shapes AND generates greedily on the engine and on the
PyTorch reference (llm/generate_values.py): exit 1 when any step's logits or token differ.
"""

from __future__ import annotations

import shlex
import sys

from fpxint_sim.errors import InputError
from fpxint_sim.llm.value_models import VALUE_MODELS

MAX_A_TERMS = 6
DEFAULT_HW = "llm_int4_hbm3.yaml"
GENERATE_REPORT = (("report.json", "gemms.csv", "report.html"), "fpxint_sim.generate/")


def add_parser(sub):
    p = sub.add_parser(
        "generate", help="cost prefill + decode of an LLM decoder with its KV cache",
        description="Cost prefill of --prompt tokens then --new decode steps (M = 1) of a "
        "decoder topology: per phase cycles, stalls, DRAM bytes (weights, KV cache, "
        "activations), energy, time to first token, tokens/s, energy per token; per GEMM "
        "whether it is memory- or compute-bound.")
    p.add_argument("--model", required=True, help="decode topology: llama2-7b, llama2-70b, "
                   "gpt2-xl, or a YAML file (docs/llm.md gives the format); or the value model "
                   "tiny-llama (seeded random weights): costs plus a bit-exact generation on "
                   "the engine against the PyTorch reference")
    p.add_argument("--hw", metavar="CONFIG", help="accelerator YAML (default: "
                   "hw_configs/llm_int4_hbm3.yaml)")
    p.add_argument("--prompt", type=int, required=True, metavar="P", help="prompt tokens")
    p.add_argument("--new", type=int, required=True, metavar="D", help="decode steps")
    p.add_argument("--arith", choices=("w4a16", "w4a4"), default="w4a16",
                   help="w4a16 (default): INT4 weight terms x 16-bit float activations, as the "
                   "description's w4a16 section says; w4a4: the integer path")
    w = p.add_mutually_exclusive_group()
    w.add_argument("--w-terms", type=int, default=1, help="INT4 weight terms (default 1)")
    w.add_argument("--weights", help="stored weight format instead of --w-terms: fp16, int8 "
                   "or int4x<T>")
    p.add_argument("--a-terms", type=int, default=2,
                   help="w4a4: INT4 activation terms (default 2)")
    p.add_argument("--kv", default="fp16", help="KV cache format: fp16 (default), bf16, int8, "
                   "int4x<T>")
    p.add_argument("--kv-memory", choices=("dram", "sram"), default="dram",
                   help="where the KV cache lives: dram (default) or the description's kv_sram "
                   "(refused when the cache does not fit)")
    p.add_argument("--out", metavar="DIR", help="write report.json, gemms.csv, report.html")
    p.add_argument("--json", action="store_true", help="print report.json's document")
    p.add_argument("--no-plots", action="store_true", help="report.html without rooflines")
    p.add_argument("--seed", type=int, help="value model: seed of its random weights and of the "
                   "prompt's random token ids (default 0)")
    p.set_defaults(run=run)


def _hw_path(args) -> str:
    if args.hw:
        return args.hw
    from fpxint_sim.hw.load import HW_CONFIG_DIR

    return str(HW_CONFIG_DIR / DEFAULT_HW)


def run(args) -> int:
    from fpxint_sim.hw.load import load_accelerator
    from fpxint_sim.llm.decoder import load_decoder
    from fpxint_sim.llm.formats import MAX_TERMS, parse_format
    from fpxint_sim.llm.gemm_cost import Arithmetic
    from fpxint_sim.llm.generation import cost_generation
    from fpxint_sim.llm.report import generate_document, summary_text

    if not args.out and not args.json:
        raise InputError("give --out DIR or --json")
    if not 1 <= args.w_terms <= MAX_TERMS:
        raise InputError(f"--w-terms {args.w_terms}: must be in 1..{MAX_TERMS}")
    if not 1 <= args.a_terms <= MAX_A_TERMS:
        raise InputError(f"--a-terms {args.a_terms}: must be in 1..{MAX_A_TERMS}")
    if args.out:
        from fpxint_sim.report.output_dir import check_out_dir

        check_out_dir(args.out, GENERATE_REPORT)  # refuse before the work, not after
    values = args.model in VALUE_MODELS
    _check_value_args(args, values)
    weights = parse_format(args.weights or f"int4x{args.w_terms}", "--weights")
    kv = parse_format(args.kv, "--kv")
    hw_file = _hw_path(args)
    hw = load_accelerator(hw_file)
    if values:
        from fpxint_sim.llm.tiny_lm import DECODER as decoder
        from fpxint_sim.llm.tiny_lm import WEIGHTS_LABEL
    else:
        decoder = load_decoder(args.model)
    # the costs first: they bound the run (prompt + new <= max_context) before any value work
    gen = cost_generation(hw, decoder, args.prompt, args.new, weights, kv,
                          Arithmetic(args.arith, args.a_terms), args.kv_memory)
    command = shlex.join(["fpxint-sim", *sys.argv[1:]]) if sys.argv[1:2] == ["generate"] else ""
    label = args.hw or f"hw_configs/{DEFAULT_HW} (default)"
    doc = generate_document(gen, hw, {"hw_file": label, "command": command})
    vg = _run_values(args, hw, kv) if values else None
    if vg is not None:
        doc["values"] = {"model": decoder.name, "weights": WEIGHTS_LABEL, "seed": _seed(args),
                         **vg.to_dict()}
    if args.json:
        import json

        print(json.dumps(doc, indent=1))
    else:
        print(summary_text(doc))
        if vg is not None:
            from fpxint_sim.llm.generate_values import values_text

            print(values_text(vg, _seed(args)))
    if args.out:
        from fpxint_sim.llm.page import report_files
        from fpxint_sim.report.output_dir import write_report_dir

        write_report_dir(args.out, report_files(doc, not args.no_plots), GENERATE_REPORT)
        print(f"wrote {args.out}/report.json, gemms.csv, report.html")
    return 0 if vg is None or vg.equal else 1


def _seed(args) -> int:
    return 0 if args.seed is None else args.seed


def _check_value_args(args, values: bool) -> None:
    if not values:
        if args.seed is not None:
            raise InputError(f"--seed: {args.model} is a topology without values; --seed "
                             f"applies to the value models ({', '.join(VALUE_MODELS)})")
        return
    if args.weights:
        raise InputError(f"--weights {args.weights}: {args.model} runs INT4 weight terms; "
                         "give --w-terms")
    if args.seed is not None and not 0 <= args.seed < 2**63:
        raise InputError(f"--seed {args.seed}: must be in 0..2^63-1")


def _run_values(args, hw, kv):
    """Greedy generation on the engine and on the reference, with the costed settings."""
    from fpxint_sim.llm.generate_values import generate_values, seeded_prompt
    from fpxint_sim.llm.tiny_lm import build_tiny_lm

    seed = _seed(args)
    return generate_values(build_tiny_lm(seed), hw, seeded_prompt(args.prompt, seed), args.new,
                           args.arith, args.w_terms, kv, args.a_terms)
