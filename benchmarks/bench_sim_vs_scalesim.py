"""fpxint_sim's performance model against real SCALE-Sim 3.0.0: per-layer cycles, time, memory.

Run by hand (SCALE-Sim takes ~10 CPU-minutes per dataflow on ResNet-18; it is not a test):

    python benchmarks/bench_sim_vs_scalesim.py --array 32x32 --dataflow ws
    python benchmarks/bench_sim_vs_scalesim.py --layers 5 --dram-bw-words-per-cycle 4 --sram-kib 4

SCALE-Sim runs in a subprocess with the Python of its own virtualenv (--scalesim-python or
FPXINT_SCALESIM_PYTHON; it needs numpy < 2.4); --scalesim-results reuses a table written by an
earlier run of fpxint_sim/sim/scalesim_runner.py instead. Our model also runs in a
subprocess, so both wall times include interpreter start-up and imports, and both peak RSS
figures are whole processes.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "fpxint_sim" / "sim" / "scalesim_runner.py"
DEFAULT_TOPOLOGY = ROOT / "tests" / "sim" / "resnet18_scalesim.csv"

# Child process wrapper: run a script or code, then print wall time and peak RSS as JSON.
TIMED = """
import json, resource, runpy, sys, time
t = time.perf_counter()
sys.argv = {argv!r}
try:
    {body}
except SystemExit as e:
    if e.code not in (0, None):
        raise
print("TIMING " + json.dumps({{"wall_s": time.perf_counter() - t,
      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

OURS = """
import json, time
from fpxint_sim.hw.schema import Accelerator, ArraySpec, DramSpec, SramSpec
from fpxint_sim.sim import load_topology, simulate_layers
r, c, df, kib, bw, topo, out = sys.argv[1:]
hw = Accelerator(name="bench", array=ArraySpec(int(r), int(c), df),
                 sram=SramSpec(float(kib), float(kib), float(kib)),
                 dram=DramSpec(dram_bw_bytes_per_cycle=None if bw == "" else float(bw)))
names = json.load(open(out))
t0 = time.perf_counter()
layers = [x for x in load_topology(topo) if x.name in names]
res = simulate_layers(hw, layers, 8, 8, output_bits=8)
model_s = time.perf_counter() - t0
json.dump({"model_s": model_s, "layers": {l.name: [j.cycles, j.stall_cycles] for l, j in res}},
          open(out, "w"))
"""


def _timed(python: str, argv: list[str], body: str) -> dict:
    code = TIMED.format(argv=argv, body=body.strip().replace("\n", "\n    "))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout
    return json.loads(out.rsplit("TIMING ", 1)[1])


def _versions(python: str) -> str:
    code = ("import sys, numpy; from importlib.metadata import version as v\n"
            "try: s = v('scalesim')\nexcept Exception: s = '-'\n"
            "print(f'python {sys.version.split()[0]}, numpy {numpy.__version__}, scalesim {s}')")
    return subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--topology", default=str(DEFAULT_TOPOLOGY))
    p.add_argument("--layers", type=int, default=0, help="only the first N layers (0 = all)")
    p.add_argument("--array", default="32x32")
    p.add_argument("--dataflow", default="ws", choices=["ws", "os", "is"])
    p.add_argument("--sram-kib", type=int, default=1024)
    p.add_argument("--dram-bw-words-per-cycle", type=int, default=None,
                   help="SCALE-Sim USER mode / our DRAM limit (default: unlimited, CALC)")
    p.add_argument("--scalesim-python", default=os.environ.get("FPXINT_SCALESIM_PYTHON"),
                   help="Python of a virtualenv with scalesim==3.0.0 and numpy<2.4 (default: "
                   "$FPXINT_SCALESIM_PYTHON)")
    p.add_argument("--scalesim-results", help="reuse a scalesim_runner.py output table")
    args = p.parse_args()
    if not args.scalesim_results and not args.scalesim_python:
        p.error("name SCALE-Sim's Python with --scalesim-python PATH or FPXINT_SCALESIM_PYTHON, "
                "or reuse a table with --scalesim-results")
    sys.path.insert(0, str(ROOT))
    from fpxint_sim.sim import load_topology

    layers = load_topology(args.topology)
    layers = layers[: args.layers] if args.layers else layers
    rows, cols = (int(v) for v in args.array.lower().split("x"))
    bw = "" if args.dram_bw_words_per_cycle is None else str(args.dram_bw_words_per_cycle)
    with tempfile.TemporaryDirectory() as work:
        names = Path(work, "ours.json")
        names.write_text(json.dumps([x.name for x in layers]))
        ours_t = _timed(sys.executable, ["ours", str(rows), str(cols), args.dataflow,
                                         str(args.sram_kib), bw, args.topology, str(names)], OURS)
        ours_out = json.loads(names.read_text())
        ours, model_s = ours_out["layers"], ours_out["model_s"]
        if args.scalesim_results:
            ref_path, sc_t = Path(args.scalesim_results), None
        else:
            listing, ref_path = Path(work, "layers.csv"), Path(work, "ref.csv")
            listing.write_text("".join(
                f"conv, {x.name}, {c.ifmap_h}, {c.ifmap_w}, {c.filter_h}, {c.filter_w}, "
                f"{c.channels}, {c.num_filters}, {c.stride_h}\n" if (c := x.conv) else
                f"gemm, {x.name}, {x.gemm.m}, {x.gemm.n}, {x.gemm.k}\n" for x in layers))
            argv = [str(RUNNER), "--layers", str(listing), "--arrays", args.array,
                    "--dataflows", args.dataflow, "--sram-kib", str(args.sram_kib),
                    "--out", str(ref_path)]
            if bw:
                argv += ["--dram-bw-words-per-cycle", bw]
            sc_t = _timed(args.scalesim_python, argv,
                          f"runpy.run_path({str(RUNNER)!r}, run_name='__main__')")
        with ref_path.open() as f:
            ref = {r["name"]: r for r in csv.DictReader(x for x in f if not x.startswith("#"))
                   if r["dataflow"] == args.dataflow}

    print(f"machine: {platform.machine()} {_cpu()}, {os.cpu_count()} cores, {platform.system()}")
    print(f"ours:     {_versions(sys.executable)}")
    print(f"scalesim: {_versions(args.scalesim_python) if args.scalesim_python else '-'}")
    print("command:  python " + " ".join(sys.argv))
    print(f"array {args.array} {args.dataflow}, SRAM {args.sram_kib} KiB each, DRAM "
          + (f"{bw} B/cycle (SCALE-Sim USER mode)" if bw else "unlimited (SCALE-Sim CALC mode)"))
    print("\n| layer | ours cycles | SCALE-Sim cycles | equal? | ours stalls | SCALE-Sim stalls |")
    print("|---|---:|---:|---|---:|---:|")
    equal = 0
    for x in layers:
        mine, theirs = ours[x.name], ref.get(x.name)
        t_cyc = int(theirs["scalesim_total_cycles"]) if theirs else None
        equal += mine[0] == t_cyc
        print(f"| {x.name} | {mine[0]} | {t_cyc} | {'yes' if mine[0] == t_cyc else 'NO'} | "
              f"{mine[1]} | {theirs['scalesim_stall_cycles'] if theirs else '-'} |")
    print(f"\n{equal}/{len(layers)} layers equal")
    print(f"ours:      wall {ours_t['wall_s']:.2f} s (parse + model: {model_s * 1000:.1f} ms, the "
          f"rest is interpreter start and imports), peak RSS {ours_t['peak_rss_mib']:.0f} MiB")
    if sc_t:
        print(f"SCALE-Sim: wall {sc_t['wall_s']:.1f} s, peak RSS {sc_t['peak_rss_mib']:.0f} MiB")
    else:
        print(f"SCALE-Sim: results read from {args.scalesim_results} (not timed here)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
