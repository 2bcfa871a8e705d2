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

Then, single thread, the integer GEMMs of that run (every job's M x K x N, from run's report):
fpxint_sim's exact kernel on INT4 operands (the terms' width) next to fbgemm's u8 x s8
quantized Linear (torch, its default ISA) on the same shapes, best of 3 per distinct shape,
summed over the jobs. Target: ours within 1.5x of fbgemm.
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


def best_seconds(fn, repeats: int = 3) -> float:
    fn()  # warm-up: JIT, packing, thread pools
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def gemm_comparison(report: dict) -> None:
    """Seconds of every job's GEMM: ours (INT4 x INT4) and fbgemm (u8 x s8), single thread."""
    import warnings
    from collections import Counter

    import numba
    import numpy as np
    import torch

    from fpxint_sim.kernels import gemm, prepack_b

    warnings.filterwarnings("ignore")
    torch.backends.quantized.engine = "fbgemm"
    torch.set_num_threads(1)
    numba.set_num_threads(1)
    jobs = Counter()
    for layer in report["layers"]:
        g = layer["gemm"]
        jobs[(g["m"], g["k"], g["n"])] += layer["jobs"] * layer["groups"]
    rng = np.random.default_rng(0)
    ours = theirs = 0.0
    for (m, k, n), count in sorted(jobs.items()):
        a4 = rng.integers(-7, 8, (m, k)).astype(np.int8)
        b4 = prepack_b(rng.integers(-7, 8, (k, n)).astype(np.int8))
        ours += count * best_seconds(lambda a=a4, b=b4: gemm(a, b))
        lin = torch.ao.nn.quantized.Linear(k, n, bias_=False, dtype=torch.qint8)
        w = torch.from_numpy(rng.integers(-128, 128, (n, k)).astype(np.int8))
        lin.set_weight_bias(torch._make_per_tensor_quantized_tensor(w, 0.01, 0), None)
        lin.scale, lin.zero_point = 1.0, 0
        x = torch._make_per_tensor_quantized_tensor(
            torch.from_numpy(rng.integers(0, 256, (m, k)).astype(np.uint8)), 0.05, 0)
        theirs += count * best_seconds(lambda f=lin, q=x: f(q))
    macs = sum(m * k * n * c for (m, k, n), c in jobs.items())
    print(f"GEMMs of the run ({sum(jobs.values())} jobs, {len(jobs)} shapes, {macs:,} MACs), "
          f"single thread: ours INT4 {ours:.2f} s ({macs / ours / 1e9:.1f} GMAC/s), fbgemm "
          f"u8 x s8 {theirs:.2f} s ({macs / theirs / 1e9:.1f} GMAC/s), ours / fbgemm "
          f"{ours / theirs:.2f} (target <= 1.5)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--model", default=MODEL)
    args = p.parse_args()
    print(f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, python "
          f"{platform.python_version()}")
    print(f"model: {args.model}, hw: {TPU.name}, {' '.join(SETTING)}")
    report = None
    for command in ("run", "verify"):
        argv = [command, "--model", args.model, "--hw", str(TPU), *SETTING, "--json"]
        calls = [one_call(argv) for _ in range(args.repeats)]
        report = report or json.loads(calls[0]["stdout"])
        for c in calls:
            doc = json.loads(c["stdout"])
            extra = (f", engine {doc['engine_seconds']:.1f} s of {doc['seconds']:.1f} s checked, "
                     f"{doc['jobs_checked']} jobs, ok {doc['ok']}" if command == "verify" else
                     f", {doc['totals']['layers']} layers, {doc['totals']['macs']:,} MACs")
            print(f"{command:6s} wall {c['wall']:6.1f} s  cpu {c['cpu']:6.1f} s  peak RSS "
                  f"{c['rss_mib']:,.0f} MiB  load avg {c['load']:.1f}{extra}")
        med = statistics.median(c["wall"] for c in calls)
        print(f"{command:6s} median wall {med:.1f} s (target <= {TARGETS[command]:g} s)")
    gemm_comparison(report)


if __name__ == "__main__":
    main()
