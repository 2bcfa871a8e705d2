"""Speed of the W4A16 value path: the fold-order kernel alone, and the whole-process
`fpxint-sim verify --model llama_block --w-bits 4 --a-bits 16 --w-terms 2` on
hw_configs/llm_int4_hbm3.yaml (interpreter start, imports, capture included).

Run by hand (not a test):

    python benchmarks/bench_w4a16.py [--repeats 3]

Prints GMAC/s of the kernel on a prefill-like and a decode-like shape (best of 5), the median
wall time of verify, the CPU and the load before and after.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
VERIFY = [sys.executable, "-m", "fpxint_sim.cli.main", "verify", "--model", "llama_block",
          "--w-bits", "4", "--a-bits", "16", "--w-terms", "2", "--hw",
          str(ROOT / "hw_configs" / "llm_int4_hbm3.yaml")]
SHAPES = ((64, 256, 768), (1, 4096, 4096))  # (M, K, N): llama_block's MLP; a 7B decode GEMM


def kernel_rates() -> None:
    sys.path.insert(0, str(ROOT))
    from fpxint_sim.kernels.fp32_fold_gemm import fold_gemm

    rng = np.random.default_rng(0)
    for m, k, n in SHAPES:
        a = rng.standard_normal((1, m, k)).astype(np.float32)
        b = rng.integers(-7, 8, (1, k, n)).astype(np.float32)
        fold_gemm(a, b, 128)  # compile or load the cache
        best = min(_timed(fold_gemm, a, b, 128) for _ in range(5))
        print(f"kernel {m}x{k}x{n} folds of 128: {best * 1e3:.2f} ms, "
              f"{m * k * n / best / 1e9:.2f} GMAC/s")


def _timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(f"CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}")
    kernel_rates()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        subprocess.run(VERIFY, check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    print(f"verify llama_block W4A16 n_w=2: median {statistics.median(times):.2f} s "
          f"(min {min(times):.2f}, {args.repeats} runs)")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
