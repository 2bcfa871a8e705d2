"""End-to-end speed of `fpxint-sim run`: the digits CNN (values included) and ResNet-18 topology.

Run by hand (not a test):

    python benchmarks/bench_run.py [--repeats 3]

1. digits_cnn W4A4 (2 weight terms, activations to 1e-4, at most 6 terms) on the default
   accelerator, in process: expand, run the 449 test images, cost every job, build the report
   document; then also render and write the three report files. The first call (Numba JIT
   compile, torch warm-up) is shown separately; the rest is the median of --repeats calls.
   Target: < 5 s after the first JIT compile.
2. ResNet-18 (SCALE-Sim's topology file), 2 x 4 terms, on the TPU-like 32x32 as a whole process
   (interpreter start and imports included; wall time and peak RSS from wait4): `--json` only,
   and with the full report written. Target: < 0.5 s and < 200 MB.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from argparse import Namespace
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESNET18 = ROOT / "tests" / "sim" / "resnet18_scalesim.csv"
TPU = ROOT / "hw_configs" / "tpu_like_int8_ws_32x32.yaml"
# `run` may not be registered in fpxint_sim/cli/main.py yet: register it for the child process.
# Peak RSS is the child's own VmHWM (wait4's ru_maxrss would include the forked parent's pages).
CHILD = ("import atexit, sys\n"
         "atexit.register(lambda: sys.stderr.write('VMHWM_KB ' + [l.split()[1] for l in "
         "open('/proc/self/status') if l.startswith('VmHWM')][0] + '\\n'))\n"
         "from fpxint_sim.cli import main as m, run_cmd\n"
         "m.COMMANDS = m.COMMANDS if run_cmd in m.COMMANDS else (*m.COMMANDS, run_cmd)\n"
         "sys.exit(m.main(sys.argv[1:]))\n")


def _model_args(out: str | None) -> Namespace:
    from fpxint_sim.cli.demo_cmd import demo_run_args

    args = demo_run_args(out)
    args.json = out is None
    return args


def time_model_run(with_files: bool) -> float:
    """Seconds for one digits_cnn run: document only, or document + report files written."""
    from fpxint_sim.cli.run_cmd import build_document
    from fpxint_sim.report import render_report_files, write_report_dir

    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "rep")
        args = _model_args(out if with_files else None)
        start = time.perf_counter()
        with open(os.devnull, "w") as devnull:
            from tqdm import tqdm

            with tqdm(disable=True, file=devnull) as bar:
                document = build_document(args, bar)
            if with_files:
                write_report_dir(out, render_report_files(document))
        return time.perf_counter() - start


def time_process(argv: list[str]) -> tuple[float, float]:
    """(wall s, peak RSS MiB) of one child process running `fpxint-sim` with argv."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, *argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({proc.returncode}): {proc.stderr}")
    hwm = [line.split()[1] for line in proc.stderr.splitlines() if line.startswith("VMHWM_KB")]
    return wall, int(hwm[-1]) / 1024


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def _versions() -> str:
    pkgs = ("numpy", "torch", "numba", "matplotlib")
    return ", ".join([f"python {platform.python_version()}", f"fpxint_sim {version('fpxint_sim')}",
                      *(f"{p} {version(p)}" for p in pkgs)])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3, help="timed calls after the first")
    args = p.parse_args()
    n = max(1, args.repeats)
    topo = ["run", "--topology", str(RESNET18.relative_to(ROOT)), "--hw",
            str(TPU.relative_to(ROOT))]
    json_runs = [time_process([*topo, "--json"]) for _ in range(n)]
    with tempfile.TemporaryDirectory() as tmp:
        out_runs = [time_process([*topo, "--out", str(Path(tmp) / f"r{k}")]) for k in range(n)]
    first = time_model_run(with_files=False)
    doc_s = statistics.median(time_model_run(False) for _ in range(n))
    files_s = statistics.median(time_model_run(True) for _ in range(n))

    def row(what, seconds, target, rss=None):
        rss_s = "" if rss is None else f"{rss:,.0f}"
        return f"| {what} | {seconds:.3f} | {rss_s} | {target} |"

    med = lambda runs, k: statistics.median(r[k] for r in runs)  # noqa: E731
    print(f"machine: {_machine()}")
    print(f"versions: {_versions()}")
    print(f"command: python benchmarks/bench_run.py --repeats {n}  (median of {n} after the "
          f"first; load average at the end {os.getloadavg()[0]:.1f})")
    print("\n| run | seconds | peak RSS MiB | target |\n|---|---|---|---|")
    print(row("digits_cnn W4A4 2w x <=6a, 449 images: first call (JIT compile)", first, ""))
    print(row("digits_cnn ... values + costs + report document (in process)", doc_s, "< 5 s"))
    print(row("digits_cnn ... + report.json/layers.csv/report.html written", files_s, "< 5 s"))
    print(row("ResNet-18 topology, 2x4 terms, tpu 32x32: `run --json` (process)",
              med(json_runs, 0), "< 0.5 s, < 200 MB", med(json_runs, 1)))
    print(row("ResNet-18 topology ... `run --out DIR` with plots (process)",
              med(out_runs, 0), "", med(out_runs, 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
