"""Wall time of tiny-llama's value generation, 64-token prompt + 32 decode steps, per arithmetic:
the engine run and the PyTorch reference run (each a whole greedy loop with its KV cache), on
hw_configs/llm_int4_hbm3.yaml. In-process, imports and model build excluded.

Run by hand (not a test):

    python benchmarks/bench_generate_values.py [--repeats 1]

Prints, per arithmetic, the median seconds of each run, whether they agreed, the CPU and the
load before and after (2 shared cores: figures move with the load).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fpxint_sim.hw.load import HW_CONFIG_DIR, load_accelerator
from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.generate_values import generate_values, seeded_prompt
from fpxint_sim.llm.tiny_lm import build_tiny_lm

CASES = (("w4a4", 2, "int8"), ("w4a16", 1, "fp16"), ("w4a16", 2, "fp16"),
         ("w4a16", 3, "fp16"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    print(f"CPU: {platform.processor() or platform.machine()}, load {os.getloadavg()[0]:.2f}")
    hw = load_accelerator(HW_CONFIG_DIR / "llm_int4_hbm3.yaml")
    model, prompt = build_tiny_lm(0), seeded_prompt(64, 0)
    generate_values(model, hw, prompt[:, :4], 1, "w4a4", 1, parse_format("int8", "kv"))  # JIT
    generate_values(model, hw, prompt[:, :4], 1, "w4a16", 1, parse_format("fp16", "kv"))
    for arith, w_terms, kv in CASES:
        runs = [generate_values(model, hw, prompt, 32, arith, w_terms, parse_format(kv, "kv"),
                                a_terms=2) for _ in range(args.repeats)]
        eng = statistics.median(r.engine.seconds for r in runs)
        ref = statistics.median(r.reference.seconds for r in runs)
        agree = all(r.equal for r in runs)
        print(f"{arith} n_w={w_terms} kv {kv:5s} engine {eng:6.2f} s  reference {ref:6.2f} s  "
              f"{'bit-exact at all 33 steps' if agree else 'MISMATCH'} ({args.repeats} runs)")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
