"""Whole-process speed of `fpxint-sim run` and `fpxint-sim verify` on a model from a file.

Run by hand (not a test):

    python benchmarks/bench_models.py [--repeats 1] [--model examples/resnet.py:resnet50_224]

The case of issue 10: ResNet-50 at 224x224, batch 1, W4A4 (2 weight terms, activations to
1e-4, at most 6 terms) on hw_configs/tpu_like_int8_ws_32x32.yaml. Each command runs as its
own process (interpreter start, imports, model build, expansion, engine, costs, report
included); printed per call: wall seconds, CPU seconds of the child (user + sys, from wait4:
less sensitive than wall time to other jobs on the machine), peak RSS, and the load average
before the call. verify also prints its own split (engine seconds / whole check). Targets:
run <= 5 s, verify <= 15 s. The machine (CPU model, cores) is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TPU = ROOT / "hw_configs" / "tpu_like_int8_ws_32x32.yaml"
MODEL = f"{ROOT / 'examples' / 'resnet.py'}:resnet50_224"
SETTING = ["--w-bits", "4", "--a-bits", "4", "--w-terms", "2", "--tol", "1e-4",
           "--a-max-terms", "6"]
TARGETS = {"run": 5.0, "verify": 15.0}
# `run` may not be registered in fpxint_sim/cli/main.py yet: register it for the child process.
CHILD = ("import sys\n"
         "from fpxint_sim.cli import main as m, run_cmd\n"
         "m.COMMANDS = m.COMMANDS if run_cmd in m.COMMANDS else (*m.COMMANDS, run_cmd)\n"
         "sys.exit(m.main(sys.argv[1:]))\n")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def one_call(argv: list[str]) -> dict:
    """Wall and CPU seconds, peak RSS and stdout of one child process."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv[:3])}: exit {code}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
            "load": load, "exit": code, "stdout": out}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--model", default=MODEL)
    args = p.parse_args()
    print(f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, python "
          f"{platform.python_version()}")
    print(f"model: {args.model}, hw: {TPU.name}, {' '.join(SETTING)}")
    for command in ("run", "verify"):
        argv = [command, "--model", args.model, "--hw", str(TPU), *SETTING, "--json"]
        calls = [one_call(argv) for _ in range(args.repeats)]
        for c in calls:
            doc = json.loads(c["stdout"])
            extra = (f", engine {doc['engine_seconds']:.1f} s of {doc['seconds']:.1f} s checked, "
                     f"{doc['jobs_checked']} jobs, ok {doc['ok']}" if command == "verify" else
                     f", {doc['totals']['layers']} layers, {doc['totals']['macs']:,} MACs")
            print(f"{command:6s} wall {c['wall']:6.1f} s  cpu {c['cpu']:6.1f} s  peak RSS "
                  f"{c['rss_mib']:,.0f} MiB  load avg {c['load']:.1f}{extra}")
        med = statistics.median(c["wall"] for c in calls)
        print(f"{command:6s} median wall {med:.1f} s (target <= {TARGETS[command]:g} s)")


if __name__ == "__main__":
    main()
