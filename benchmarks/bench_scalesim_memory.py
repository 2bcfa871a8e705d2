"""Whole-process time of `fpxint-sim run --memory-model scalesim` on ResNet-18 (32x32 ws).

Run by hand (not a test):

    python benchmarks/bench_scalesim_memory.py                # SCALE-Sim's one job per layer
    python benchmarks/bench_scalesim_memory.py --w-terms 2 --a-terms 4   # an expanded network

Each run is a fresh process timed by /usr/bin/time (wall, user + sys CPU, peak RSS). The first
run after a code change also compiles the Numba kernels into their on-disk cache; it is reported
apart ("cold") and left out of the figures. The machine (CPU model) and its load average are
printed next to the figures: the machine is shared, so wall time depends on the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOPOLOGY = ROOT / "tests" / "sim" / "resnet18_scalesim.csv"
HW = ROOT / "hw_configs" / "tpu_like_int8_ws_32x32.yaml"  # 32x32 ws, 256/256/128 KiB, 32 B/cycle


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def _timed_run(argv: list[str]) -> tuple[float, float, float]:
    """(wall s, user + sys CPU s, peak RSS MiB) of one process running `argv`."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        cmd = ["/usr/bin/time", "-o", out.name, "-f", "%e %U %S %M", *argv]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
        if done.returncode:
            sys.exit(f"failed ({done.returncode}): {done.stderr.strip()}")
        wall, user, system, rss_kib = out.read().split()[-4:]
    return float(wall), float(user) + float(system), float(rss_kib) / 1024


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hw", default=str(HW))
    p.add_argument("--topology", default=str(TOPOLOGY))
    p.add_argument("--w-terms", type=int, default=1)
    p.add_argument("--a-terms", type=int, default=1)
    p.add_argument("--memory-model", default="scalesim", choices=("fpxint", "scalesim"))
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    cmd = [sys.executable, "-m", "fpxint_sim.cli.main", "run", "--topology", args.topology,
           "--hw", args.hw, "--w-bits", "8", "--a-bits", "8", "--w-terms", str(args.w_terms),
           "--a-terms", str(args.a_terms), "--memory-model", args.memory_model, "--json"]
    print(f"machine: {_cpu()}, {os.cpu_count()} logical CPUs, Python "
          f"{sys.version.split()[0]}")
    print("command: " + " ".join(cmd[1:]))
    cold = _timed_run(cmd)
    print(f"cold (Numba cache filled if needed): {cold[0]:.2f} s wall, {cold[1]:.2f} s CPU, "
          f"{cold[2]:.0f} MiB")
    runs = []
    for _ in range(args.repeat):
        load = os.getloadavg()[0]
        runs.append((*_timed_run(cmd), load))
        print(f"  {runs[-1][0]:.2f} s wall, {runs[-1][1]:.2f} s CPU, {runs[-1][2]:.0f} MiB "
              f"peak RSS (load average {load:.1f} before the run)")
    print(f"median of {args.repeat}: {statistics.median(r[0] for r in runs):.2f} s wall, "
          f"{statistics.median(r[1] for r in runs):.2f} s CPU, "
          f"{max(r[2] for r in runs):.0f} MiB peak RSS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
