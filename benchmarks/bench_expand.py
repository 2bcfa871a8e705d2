"""Speed of the series core: every MiniLM Linear weight to 4 INT4 terms per channel, and a
4096x4096 tensor to tol 1e-4. Run by hand: `python benchmarks/bench_expand.py [--threads N]`.

Prints the machine, the versions and the best of --repeat runs (after one warm-up run that
also triggers Numba's JIT compile or cache load).
"""

import argparse
import os
import platform
import time

import numpy as np


def best_of(fn, repeat):
    fn()  # warm-up: JIT compile / cache load, page faults
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import numba
    import torch

    import fpxint_sim
    from fpxint_sim import expand_tensor

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
          f"torch {torch.__version__}, fpxint_sim {fpxint_sim.__version__}")
    print("command: python benchmarks/bench_expand.py --repeat", args.repeat)
    rows = []
    try:
        from fpxint_sim.models.minilm import load_minilm

        model = load_minilm().model
        linears = [m.weight.detach().double().numpy() for m in model.modules()
                   if isinstance(m, torch.nn.Linear)]
        n_w = sum(w.size for w in linears)

        def expand_minilm():
            for w in linears:
                expand_tensor(w, bits=4, terms=4, axis=0)

        rows.append((f"MiniLM: {len(linears)} Linear weights ({n_w / 1e6:.1f} M), 4 INT4 terms, "
                     "per channel", best_of(expand_minilm, args.repeat), 2.0))
    except fpxint_sim.MissingExtraError as exc:
        print(f"skipped MiniLM: {exc}")
    x = np.random.default_rng(0).standard_normal((4096, 4096))
    s = expand_tensor(x, bits=4, tol=1e-4)
    rows.append((f"4096x4096 N(0,1) to tol 1e-4 ({len(s)} INT4 terms, per tensor)",
                 best_of(lambda: expand_tensor(x, bits=4, tol=1e-4), args.repeat), 1.0))
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'best s':>7}  {'target s':>8}")
    for name, t, target in rows:
        print(f"{name:<{width}}  {t:7.3f}  {target:8.1f}  {'ok' if t < target else 'MISSED'}")


if __name__ == "__main__":
    main()
