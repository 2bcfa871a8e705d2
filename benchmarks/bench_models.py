"""Whole-process speed of `fpxint-sim run` and `fpxint-sim verify`, and the run's GEMMs
against fbgemm.

Run by hand (not a test):

    python benchmarks/bench_models.py [--repeats 5] [--model resnet50 --input 1x3x224x224]
                                      [--skip-gemms] [--skip-processes]

The case of issue 10: ResNet-50 at 224x224, batch 1, W4A4 (2 weight terms, activations to
1e-4, at most 6 terms) on hw_configs/tpu_like_int8_ws_32x32.yaml. Each command runs as its
own process (interpreter start, imports, model build, capture, expansion, engine, costs,
report), the command printed as run. Per call: wall seconds, CPU seconds of the child (user +
sys, from wait4: less sensitive than wall time to other jobs on the machine), peak RSS and the
1-minute load average before the call; then min and median over the calls. Targets: run <= 5
s, verify <= 15 s. The machine (CPU model, the kernel path and its CPU flags), the versions
and `uptime` are printed with the figures: on a shared machine, quote the load beside them.

Then, single thread, the integer GEMMs of that run (every job's M x K x N, from run's report):
fpxint_sim's exact kernel on INT4 operands (the terms' width) next to fbgemm's u8 x s8
quantized Linear (torch, its default ISA) on the same shapes, best of 3 per distinct shape,
one row per shape and the sum over the jobs. Target: ours within 1.5x of fbgemm.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's package, as the timed children import it

import fpxint_sim  # noqa: E402  (before torch: OpenMP workers sleep when idle, as in the CLI)

TPU = ROOT / "hw_configs" / "tpu_like_int8_ws_32x32.yaml"
SETTING = ["--w-bits", "4", "--a-bits", "4", "--w-terms", "2", "--tol", "1e-4",
           "--a-max-terms", "6"]
TARGETS = {"run": 5.0, "verify": 15.0}
KERNEL_FLAGS = ("avx2", "avx512f", "avx512vl", "avx512_vnni", "avx_vnni", "amx_int8")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def machine_lines() -> list[str]:
    import numba
    import numpy
    import torch

    from fpxint_sim.kernels.cpu_features import resolve_impl

    flags = cpu_flags()
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    return [f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs; kernel path "
            f"{resolve_impl('auto')}; CPU flags: "
            f"{' '.join(f for f in KERNEL_FLAGS if f in flags) or 'none of ' + str(KERNEL_FLAGS)}",
            f"versions: python {platform.python_version()}, torch {torch.__version__}, numba "
            f"{numba.__version__}, numpy {numpy.__version__}, fbgemm engine "
            f"{'fbgemm' in torch.backends.quantized.supported_engines}",
            f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}, uptime: {uptime}"]


def one_call(argv: list[str]) -> dict:
    """Wall and CPU seconds, peak RSS and stdout of one child process."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{shlex.join(argv)}: exit {code}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
            "load": load, "exit": code, "stdout": out}


def time_processes(model_args: list[str], repeats: int) -> dict:
    """Each command `repeats` times (run and verify alternate); returns run's report."""
    calls: dict[str, list] = {"run": [], "verify": []}
    argvs = {c: [sys.executable, "-m", "fpxint_sim.cli.main", c, *model_args, "--hw",
                 str(TPU.relative_to(ROOT)), *SETTING, "--json"] for c in calls}
    for c, argv in argvs.items():
        print(f"{c}: PYTHONPATH={ROOT} {shlex.join(argv)}")
    for _ in range(repeats):
        for c, argv in argvs.items():
            calls[c].append(one_call(argv))
    for c, got in calls.items():
        for call in got:
            doc = json.loads(call["stdout"])
            extra = (f", engine {doc['engine_seconds']:.1f} s of {doc['seconds']:.1f} s checked, "
                     f"{doc['jobs_checked']} jobs, ok {doc['ok']}" if c == "verify" else
                     f", {doc['totals']['layers']} layers, {doc['totals']['macs']:,} MACs")
            print(f"{c:6s} wall {call['wall']:6.2f} s  cpu {call['cpu']:6.2f} s  peak RSS "
                  f"{call['rss_mib']:,.0f} MiB  load avg {call['load']:.1f}{extra}")
        walls, cpus = [x["wall"] for x in got], [x["cpu"] for x in got]
        print(f"{c:6s} wall min {min(walls):.2f} s, median {statistics.median(walls):.2f} s; "
              f"cpu min {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s; load "
              f"{min(x['load'] for x in got):.1f}-{max(x['load'] for x in got):.1f} "
              f"(target wall <= {TARGETS[c]:g} s)")
    return json.loads(calls["run"][0]["stdout"])


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
    rows = []
    for (m, k, n), count in jobs.items():
        a4 = rng.integers(-7, 8, (m, k)).astype(np.int8)
        b4 = prepack_b(rng.integers(-7, 8, (k, n)).astype(np.int8))
        ours = best_seconds(lambda a=a4, b=b4: gemm(a, b))
        lin = torch.ao.nn.quantized.Linear(k, n, bias_=False, dtype=torch.qint8)
        w = torch.from_numpy(rng.integers(-128, 128, (n, k)).astype(np.int8))
        lin.set_weight_bias(torch._make_per_tensor_quantized_tensor(w, 0.01, 0), None)
        lin.scale, lin.zero_point = 1.0, 0
        x = torch._make_per_tensor_quantized_tensor(
            torch.from_numpy(rng.integers(0, 256, (m, k)).astype(np.uint8)), 0.05, 0)
        theirs = best_seconds(lambda f=lin, q=x: f(q))
        rows.append((m, k, n, count, ours, theirs))
    print(f"{'M':>6} {'K':>5} {'N':>5} {'jobs':>4}  {'ours ms':>8} {'GMAC/s':>6}  "
          f"{'fbgemm ms':>9} {'GMAC/s':>6}  {'ratio':>5}  {'ours x jobs':>11}")
    for m, k, n, count, ours, theirs in sorted(rows, key=lambda r: -r[3] * r[4]):
        print(f"{m:6d} {k:5d} {n:5d} {count:4d}  {ours * 1e3:8.3f} {m * k * n / ours / 1e9:6.1f}"
              f"  {theirs * 1e3:9.3f} {m * k * n / theirs / 1e9:6.1f}  {ours / theirs:5.2f}  "
              f"{count * ours:9.3f} s")
    ours = sum(r[3] * r[4] for r in rows)
    theirs = sum(r[3] * r[5] for r in rows)
    macs = sum(m * k * n * c for (m, k, n), c in jobs.items())
    print(f"GEMMs of the run ({sum(jobs.values())} jobs, {len(jobs)} shapes, {macs:,} MACs), "
          f"single thread: ours INT4 {ours:.3f} s ({macs / ours / 1e9:.1f} GMAC/s), fbgemm "
          f"u8 x s8 {theirs:.3f} s ({macs / theirs / 1e9:.1f} GMAC/s), ours / fbgemm "
          f"{ours / theirs:.2f} (target <= 1.5); load avg {os.getloadavg()[0]:.1f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--model", default="resnet50")
    p.add_argument("--input", default="1x3x224x224", help="'' for the model's own inputs")
    p.add_argument("--skip-processes", action="store_true",
                   help="only the GEMM table (shapes from one run --json)")
    p.add_argument("--skip-gemms", action="store_true")
    args = p.parse_args()
    print(f"package: {Path(fpxint_sim.__file__).parent}")
    for line in machine_lines():
        print(line)
    model_args = ["--model", args.model, *(["--input", args.input] if args.input else [])]
    if args.skip_processes:
        argv = [sys.executable, "-m", "fpxint_sim.cli.main", "run", *model_args, "--hw",
                str(TPU), *SETTING, "--json"]
        report = json.loads(one_call(argv)["stdout"])
    else:
        report = time_processes(model_args, args.repeats)
    if not args.skip_gemms:
        gemm_comparison(report)
    print(f"after: {machine_lines()[-1]}")


if __name__ == "__main__":
    main()
