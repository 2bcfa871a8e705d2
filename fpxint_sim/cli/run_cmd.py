"""`fpxint-sim run`: cost an expanded model or a SCALE-Sim topology on an accelerator; report.

--topology needs no values (term counts given, torch never imported); --model expands a model
(fpxint_sim/models/source.py), runs it, and costs the jobs that run actually did (measured
activation terms).
"""

from __future__ import annotations

import shlex
import sys

from fpxint_sim.errors import InputError

TOPOLOGY_A_TERMS = 4
MODEL_ONLY = ("tol", "a_max_terms", "samples", "input")
MEMORY_MODEL_NOTE = {
    "fpxint": "memory model fpxint: on-chip reuse and a shared DRAM port "
              "(docs/performance_model.md sections 3-4)",
    "scalesim": "memory model scalesim: every job runs through SCALE-Sim 3.0.0's "
                "double-buffered scratchpads (USER bandwidth mode, one port of the DRAM "
                "bandwidth per buffer); bytes are its 1-byte words, stalls leave out the "
                "first prefetch"}


def add_parser(sub):
    from fpxint_sim.cli.expansion_args import INPUT_HELP, MODEL_HELP, add_expansion_flags

    p = sub.add_parser(
        "run", help="cycles, traffic and energy of an expanded network; writes a report",
        description="Cost every integer job of an expanded network on an accelerator "
        "(cycles, stalls, bytes per buffer and DRAM, energy per component, latency), order "
        "each layer's jobs for reuse, and write report.json, layers.csv and report.html.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help=f"expand and really run {MODEL_HELP}")
    src.add_argument("--topology", metavar="CSV",
                     help="SCALE-Sim topology CSV (conv or GEMM rows); term counts are given")
    p.add_argument("--input", metavar="SPEC", help=f"--model only: {INPUT_HELP}")
    p.add_argument("--hw", metavar="CONFIG", help="accelerator YAML or SCALE-Sim .cfg "
                   "(default: hw_configs/bitfusion_16x16.yaml)")
    add_expansion_flags(p, a_terms_help="fixed activation terms (topology default "
                        f"{TOPOLOGY_A_TERMS}; model default: until --tol)")
    p.add_argument("--samples", type=int, help="digits_cnn: the first N test images "
                   "(default all 449, one batch); minilm: N default sentences (default 64)")
    p.add_argument("--memory-model", choices=("fpxint", "scalesim"), default="fpxint",
                   help="fpxint (default): the model's own buffers and stalls; scalesim: "
                   "SCALE-Sim 3.0.0's double-buffered scratchpads, word by word (USER "
                   "bandwidth mode; needs 1 MAC per PE per cycle and a DRAM bandwidth)")
    p.add_argument("--out", metavar="DIR", help="report directory (required unless --json); "
                   "replaced only if it holds a previous fpxint_sim report")
    p.add_argument("--json", action="store_true", help="print report.json's document to stdout")
    p.set_defaults(run=run)


def _positive(name: str, value, minimum: int = 1) -> None:
    if value is not None and value < minimum:
        raise InputError(f"--{name.replace('_', '-')} must be >= {minimum}, got {value}")


def _settings(args, hw) -> dict:
    """Expansion settings with defaults filled in (fpxint_sim/expansion_defaults.py), checked
    against the accelerator."""
    from fpxint_sim.cli.expansion_args import settings_from_args
    from fpxint_sim.quant.uniform import check_bits
    from fpxint_sim.sim.job import check_operand_bits

    if args.topology:
        given = [f"--{n.replace('_', '-')}" for n in MODEL_ONLY if getattr(args, n) is not None]
        if given:
            raise InputError(f"{', '.join(given)} applies to --model only")
    _positive("w_terms", args.w_terms)
    _positive("a_terms", args.a_terms)
    _positive("a_max_terms", args.a_max_terms)
    _positive("truncate", args.truncate, 2)
    full = settings_from_args(args)
    for flag in ("w_bits", "a_bits"):  # integer terms on both sides: 2..8 bits
        if full[flag] == 16:  # 16 = float in accuracy/verify; run costs integer jobs only
            raise InputError(f"--{flag.replace('_', '-')} 16 (float) has no integer jobs to "
                             "cost here: run takes 2..8 bits; W4A16 values are checked by "
                             "`verify --w-bits 4 --a-bits 16` and costed by `generate`")
        check_bits(full[flag], f"--{flag.replace('_', '-')}")
    check_operand_bits(hw, full["w_bits"], full["a_bits"])
    s = {k: full[k] for k in ("w_bits", "a_bits", "w_terms", "a_terms", "truncate", "a_clip")}
    if args.topology:
        s["a_terms"] = TOPOLOGY_A_TERMS if args.a_terms is None else args.a_terms
        s["first_term_asymmetric"] = True
    else:
        s.update(a_tol=full["a_tol"], a_max_terms=full["a_max_terms"],
                 scale_policy=full["scale_policy"])
    return s


def _command(args, hw_file: str, s: dict) -> str:
    """The run as one canonical command line, every default spelled out."""
    words = ["fpxint-sim", "run"]
    words += ["--model", args.model] if args.model else ["--topology", args.topology]
    words += ["--hw", hw_file, "--w-bits", str(s["w_bits"]), "--a-bits", str(s["a_bits"]),
              "--w-terms", str(s["w_terms"])]
    if s["a_terms"] is not None:
        words += ["--a-terms", str(s["a_terms"])]
    else:
        words += ["--tol", f"{s['a_tol']:g}", "--a-max-terms", str(s["a_max_terms"])]
    if s["truncate"]:
        words += ["--truncate", str(s["truncate"])]
    if args.model:
        words += ["--scale-policy", s["scale_policy"]]
        words += ["--samples", str(args.samples)] if args.samples else []
        words += ["--input", args.input] if args.input else []
    words += ["--no-clip"] if s["a_clip"] is None else []
    words += ["--memory-model", args.memory_model]
    words += ["--out", args.out] if args.out else []
    words += ["--json"] if args.json else []
    return shlex.join(words)


def _progress(args):
    """A bar on stderr that shows only once the run has taken 2 s (steps: layers, then report)."""
    from fpxint_sim.cli.progress import progress_bar

    return progress_bar(args, "forward")


def _phase(bar, name: str, steps: int) -> None:
    bar.total = bar.n + steps  # plain attributes: tqdm's reset() would draw before the delay
    bar.set_description(name, refresh=False)


def _topology_work(args, s: dict):
    from fpxint_sim.sim.topology import read_topology_file
    from fpxint_sim.workload.topology_work import topology_work

    topology = read_topology_file(args.topology)
    layers = topology.layers
    works = topology_work(layers, s["w_terms"], s["a_terms"], s["w_bits"], s["a_bits"],
                          s["truncate"], clip_first_term=s["a_clip"] is not None)
    source = {"kind": "topology", "name": args.topology, "topology": args.topology,
              "rows": len(layers)}
    assumptions = [
        "no values: every layer has the given term counts",
        "inputs one-signed (post-ReLU): first activation term unsigned with a zero point",
        "conv ifmap DRAM traffic: distinct elements of the (padded) ifmap in the topology row",
        *(f"topology file: {note}" for note in topology.notes)]
    return works, source, None, assumptions, []


def _model_work(args, s: dict, bar, hw):
    from fpxint_sim.expand import ExpansionConfig
    from fpxint_sim.models.source import resolve_model
    from fpxint_sim.workload.model_report import (
        MODEL_ASSUMPTIONS,
        expansion_entry,
        model_source_entry,
        model_vector_runs,
    )
    from fpxint_sim.workload.model_work import model_work

    source = resolve_model(args.model, args.input, args.samples,
                           default_samples={"minilm": 64})
    cfg = ExpansionConfig(w_bits=s["w_bits"], a_bits=s["a_bits"], w_terms=s["w_terms"],
                          a_terms=s["a_terms"], a_tol=s["a_tol"], a_max_terms=s["a_max_terms"],
                          truncate=s["truncate"], scale_policy=s["scale_policy"],
                          a_clip=s["a_clip"], per_token=source.per_token)
    s.update(expansion_entry(cfg))
    mw = model_work(source, cfg, on_layer=lambda _name: bar.update(), hw=hw)
    return (mw.works, model_source_entry(source, mw), mw.quality, list(MODEL_ASSUMPTIONS),
            model_vector_runs(source, mw, hw))


def build_document(args, bar) -> dict:
    """Load, run, cost and assemble the report document for parsed `args`."""
    from fpxint_sim.hw import default_hw_config_path, load_accelerator
    from fpxint_sim.report.document import build_report
    from fpxint_sim.sim.work_sim import simulate_network_work
    from fpxint_sim.workload.model_report import run_info

    hw_file = args.hw or str(default_hw_config_path())
    hw = load_accelerator(hw_file)
    s = _settings(args, hw)
    if args.model:
        works, source, quality, assumptions, vector = _model_work(args, s, bar, hw)
    else:
        works, source, quality, assumptions, vector = _topology_work(args, s)
    _phase(bar, "cost", len(works) + 1)
    runs = simulate_network_work(hw, works, on_layer=lambda _name: bar.update(),
                                 memory_model=args.memory_model)
    s.setdefault("label", f"W{s['w_bits']}A{s['a_bits']}: {s['w_terms']} x {s['a_terms']} "
                 "terms" + (f", i+j<={s['truncate']}" if s["truncate"] else ""))
    info = run_info(_command(args, hw_file, s), source, hw, hw_file, s,
                    [*assumptions, MEMORY_MODEL_NOTE[args.memory_model]], bool(args.model))
    info["memory_model"] = args.memory_model
    return build_report(runs, hw, info, quality, vector)


def run(args) -> int:
    from fpxint_sim.cli.run_summary import format_run_summary
    from fpxint_sim.report.files import render_report_files, report_json_text
    from fpxint_sim.report.output_dir import check_out_dir, write_report_dir

    if not args.out and not args.json:
        raise InputError("--out DIR is required (or --json to print the report only)")
    if args.out:
        check_out_dir(args.out)  # fail before the work, not after it
    with _progress(args) as bar:
        document = build_document(args, bar)
        if args.out:
            bar.set_description("report", refresh=False)
            write_report_dir(args.out, render_report_files(document))
        bar.update()
    if args.json:
        sys.stdout.write(report_json_text(document))
    else:
        print(format_run_summary(document))
        if args.out:
            print(f"report: {args.out}/report.html (and report.json, layers.csv)")
    return 0
