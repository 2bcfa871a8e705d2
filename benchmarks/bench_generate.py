"""Whole-process speed of `fpxint-sim generate`: Llama-2-7B decode, 2,048-token prompt, 128 new
tokens, on hw_configs/llm_int4_hbm3.yaml (interpreter start and imports included).

Run by hand (not a test):

    python benchmarks/bench_generate.py [--repeats 3]

Three variants: --json (costing only), --out with --no-plots, --out with the roofline plots
(matplotlib). Target: < 2 s for the costing. Prints the median wall time, the CPU and the load.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = [sys.executable, "-m", "fpxint_sim.cli.main", "generate", "--model", "llama2-7b",
        "--prompt", "2048", "--new", "128", "--w-terms", "2"]


def wall(argv: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(f"CPU: {platform.processor() or platform.machine()}, load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        variants = {"--json": ["--json"],
                    "--out --no-plots": ["--out", f"{tmp}/a", "--no-plots"],
                    "--out (plots)": ["--out", f"{tmp}/b"]}
        for name, extra in variants.items():
            times = [wall(BASE + extra) for _ in range(args.repeats)]
            print(f"{name:18s} median {statistics.median(times):.2f} s "
                  f"(min {min(times):.2f}, {args.repeats} runs)")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
