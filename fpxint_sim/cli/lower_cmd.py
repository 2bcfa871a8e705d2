"""`fpxint-sim lower`: the integer basis network of an expanded model, layer by layer."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from fpxint_sim.cli.expansion_args import add_expansion_args, config_from_args
from fpxint_sim.cli.progress import layer_progress
from fpxint_sim.errors import InputError
from fpxint_sim.report.text_table import model_label

FORMATS = ("table", "json", "scalesim")
LOWER_SAMPLES = {"digits_cnn": 64, "minilm": 64}


def add_parser(sub):
    p = sub.add_parser(
        "lower", help="print the integer basis network (jobs and epilogues per layer)",
        description="Expand a model and lower it to integer jobs, measuring the activation "
        "terms on one real input batch (digits_cnn: the first 64 test images; minilm: 64 "
        "default sentences; other models: their example inputs or --input). Per layer: kind, "
        "GEMM shape, operand precisions and zero points, weight/activation terms, jobs kept, "
        "MACs; then every op of the captured graph with its kind. --format scalesim writes "
        "the layers as a SCALE-Sim topology CSV instead (conv rows, GEMMs in conv-row form).")
    add_expansion_args(p)
    p.add_argument("--format", choices=FORMATS, help="table (default), json (as --json), or "
                   "scalesim: a SCALE-Sim topology CSV of the layers")
    p.add_argument("--jobs", action="store_true", help="scalesim: one row per integer job "
                   "(i, j) instead of one per float layer")
    p.add_argument("--out", metavar="FILE", help="scalesim: write the CSV to FILE (default: "
                   "stdout); an existing FILE is replaced only with --force")
    p.add_argument("--force", action="store_true", help="scalesim: replace an existing --out")
    p.set_defaults(run=run)


def _output_format(args) -> str:
    """The one output format the flags ask for; scalesim-only flags refused elsewhere."""
    if args.json and args.format not in (None, "json"):
        raise InputError(f"--json and --format {args.format} ask for two outputs: use one")
    fmt = "json" if args.json else args.format or "table"
    if fmt != "scalesim":
        given = [f"--{n}" for n in ("jobs", "out", "force") if getattr(args, n)]
        if given:
            raise InputError(f"{', '.join(given)} applies to --format scalesim only")
    elif args.force and not args.out:
        raise InputError("--force applies to --out FILE only")
    return fmt


def _check_out(out: str, force: bool) -> Path:
    """Refuse, before any work, a FILE that would be lost or cannot be written."""
    path = Path(out)
    if path.is_dir():
        raise InputError(f"--out {out}: is a directory; give a file name")
    if path.exists() and not force:
        raise InputError(f"--out {out}: exists; pass --force to replace it")
    if not path.parent.is_dir():
        raise InputError(f"--out {out}: folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise InputError(f"--out {out}: folder {path.parent} is not writable")
    return path


def _write_whole(path: Path, text: str) -> None:
    """Write all of `text` or nothing: a temporary file in the same folder, then one rename."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as e:
        raise InputError(f"--out {path}: cannot write there: {e.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"--out {path}: cannot write it: {e.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def lower(args):
    """(NetworkIR, ModelSource, Captured graph) for the parsed flags."""
    from fpxint_sim.ir import lower_model
    from fpxint_sim.models.prepare import expand_source
    from fpxint_sim.models.source import resolve_model

    source = resolve_model(args.model, args.input, args.samples, LOWER_SAMPLES)
    cfg = config_from_args(args, source.per_token)
    source.reference()  # a model that fails on its inputs: one line naming both
    em = expand_source(source, cfg)
    return lower_model(em, source.forward, args.model), source, em.graph


def run(args) -> int:
    from fpxint_sim.capture import format_ops, ops_summary
    from fpxint_sim.cli.lower_format import format_network, network_summary

    fmt = _output_format(args)
    out = _check_out(args.out, args.force) if args.out else None
    with layer_progress(args, "lower: layers run"):
        net, source, captured = lower(args)
    what = source.input_description
    if fmt == "scalesim":
        from fpxint_sim.cli.lower_scalesim import scalesim_topology

        text = scalesim_topology(net, jobs=args.jobs)
        if out is None:
            sys.stdout.write(text)
        else:
            _write_whole(out, text)
            print(f"wrote {out}: {text.count(chr(10)) - 1} rows (input: {what})",
                  file=sys.stderr)
    elif fmt == "json":
        json.dump({**network_summary(net), "input": what, "description": source.description,
                   "weights": source.weights, "graph": ops_summary(captured)},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(model_label(source.description, source.weights))
        print(format_network(net, what))
        print(format_ops(captured))
    return 0
