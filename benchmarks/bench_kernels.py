"""Speed of the exact integer GEMM kernels next to numpy, torch, fbgemm and ONNX Runtime.

Run by hand (not a test):
    python benchmarks/bench_kernels.py [--threads 1 2] [--repeats 7] [--rounds 3]
Prints GMAC/s (best of --repeats calls; best over --rounds rounds: the machine may be shared,
so best-of is the fair number), with the machine, versions, command and load average.

Every contender runs in its own process with its library's default thread pool behaviour
(no OMP_WAIT_POLICY override), so no pool spins against another's. The emulator is timed on
both exact fast paths: "vnni" (AVX512-VNNI vpdpbusd, what impl="auto" picks when present) and
"avx2" built as for a Zen 3 (NUMBA_CPU_NAME=znver3 and no AVX-512 feature, so LLVM can use
neither AVX-512 registers nor vpdpwssd). fbgemm is timed with its default ISA (AVX512-VNNI
when present: exact vpdpbusd) and forced to AVX2 (vpmaddubsw, what a Zen 3 runs). Ratios
compare like with like: vnni with fbgemm's default, avx2 with fbgemm's AVX2 path.
`--agreement` prints how often fbgemm's AVX2 outputs equal exact integer math.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from functools import partial

import numpy as np

SHAPES = [(256, 256, 256), (1024, 1024, 1024), (64, 4608, 512), (1, 4096, 4096)]


def best_seconds(fn, repeats: int, budget_s: float = 3.0) -> float:
    fn()  # warm-up (JIT, packing caches, thread pools)
    times, start = [], time.perf_counter()
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if time.perf_counter() - start > budget_s and len(times) >= 2:
            break
    return min(times)


def operands(m, k, n, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (m, k)).astype(np.uint8),
            rng.integers(-128, 128, (k, n)).astype(np.int8))


def fbgemm_linear(a, b):
    import torch

    torch.backends.quantized.engine = "fbgemm"
    lin = torch.ao.nn.quantized.Linear(a.shape[1], b.shape[1], bias_=False, dtype=torch.qint8)
    wq = torch._make_per_tensor_quantized_tensor(torch.from_numpy(b.T.copy()), 0.01, 0)
    lin.set_weight_bias(wq, None)
    lin.scale, lin.zero_point = 1.0, 0
    xq = torch._make_per_tensor_quantized_tensor(torch.from_numpy(a), 0.05, 0)
    return lambda: lin(xq)


def time_fbgemm(shapes, threads, repeats, column):
    import torch

    warnings.filterwarnings("ignore")
    out = {}
    for t in threads:
        torch.set_num_threads(t)
        for m, k, n in shapes:
            sec = best_seconds(fbgemm_linear(*operands(m, k, n)), repeats)
            out[f"{t},{m},{k},{n},{column}"] = m * k * n / 1e9 / sec
    return out


def time_references(shapes, threads, repeats):
    """numpy and torch int32 matmul, and ONNX Runtime MatMulInteger (u8 x s8 -> int32)."""
    import torch

    out = {}
    for t in threads:
        torch.set_num_threads(t)
        for m, k, n in shapes:
            a, b = operands(m, k, n)
            g, key = m * k * n / 1e9, f"{t},{m},{k},{n}"
            a32, b32 = a.astype(np.int32), b.astype(np.int32)
            out[f"{key},numpy_i32"] = g / best_seconds(partial(np.matmul, a32, b32), repeats, 1.0)
            ta, tb = torch.from_numpy(a32), torch.from_numpy(b32)
            out[f"{key},torch_i32"] = g / best_seconds(partial(torch.matmul, ta, tb), repeats,
                                                       1.0)
            ort_fn = ort_matmul_integer(a, b, t)
            out[f"{key},ort_mmi"] = g / best_seconds(ort_fn, repeats) if ort_fn else float("nan")
    return out


def ort_matmul_integer(a, b, threads):
    try:
        import onnx
        import onnxruntime as ort
        from onnx import TensorProto, helper
    except ImportError:
        return None
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["A", "B"], ["Y"])], "mmi",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, list(a.shape))],
        [helper.make_tensor_value_info("Y", TensorProto.INT32, [a.shape[0], b.shape[1]])],
        [helper.make_tensor("B", TensorProto.INT8, list(b.shape), b.tobytes(), raw=True)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(onnx._serialize(model) if hasattr(onnx, "_serialize")
                                else model.SerializeToString(), opts,
                                providers=["CPUExecutionProvider"])
    return lambda: sess.run(None, {"A": a})


def time_emulator(shapes, threads, repeats, impl):
    """GMAC/s of fpxint_sim gemm on one path for INT8 and INT4 operands, and the register-block
    peak of that path (operands in L1, `register_block_peak`)."""
    import numba

    from fpxint_sim.kernels import gemm, prepack_b

    out = {f"peak,{impl}": register_block_peak(impl)}
    for t in threads:
        numba.set_num_threads(t)
        for m, k, n in shapes:
            a, b = operands(m, k, n)
            rng = np.random.default_rng(1)
            a4 = rng.integers(-8, 8, (m, k)).astype(np.int8)
            b4 = rng.integers(-8, 8, (k, n)).astype(np.int8)
            g = m * k * n / 1e9
            for bits, (x, w) in (("int8", (a, prepack_b(b))), ("int4", (a4, prepack_b(b4)))):
                sec = best_seconds(partial(gemm, x, w, impl=impl), repeats)
                out[f"{t},{m},{k},{n},{impl}_{bits}"] = g / sec
    return out


def register_block_peak(impl: str) -> float:
    """GMAC/s of the path's main 6-row register block on operands that stay in L1: the
    instruction-throughput ceiling of its kernels (vpdpbusd, or vpmaddwd + vpaddd)."""
    import numba as nb

    from fpxint_sim.kernels import broadcast_gemm as bg

    kind = bg.VNNI if impl == "vnni" else bg.INT16  # INT16: exact INT8 on AVX2
    micro = bg.full_block_kernel(kind)
    cols, k_per_word = 16 * bg.panels_per_call(kind), (4 if kind == bg.VNNI else 2)

    @nb.njit
    def loop(a, b, c, n, reps):
        for _ in range(reps):
            micro(a, 0, a.shape[1], b, 0, n * 64, n, c, 0, 32, 1)

    n, reps = 128, 20000
    a, b, c = np.ones((6, n * 4), np.uint8), np.ones(2 * n * 64, np.int8), np.zeros(192, np.int32)
    loop(a, b, c, n, 1)
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        loop(a, b, c, n, reps)
        best = min(best, time.perf_counter() - t)
    return 6 * cols * n * k_per_word * reps / best / 1e9


CONTENDERS = {  # name: (extra environment, needs VNNI)
    "vnni": ({}, True),
    "avx2": (None, False),  # avx2_only_environment(): a Zen 3's build
    "fbgemm_def": ({}, False),
    "fbgemm_avx2": ({"FBGEMM_ENABLE_INSTRUCTIONS": "AVX2"}, False),
    "references": ({}, False),
}


def measure(name, shapes, threads, repeats):
    """One contender's GMAC/s, keyed 'threads,m,k,n,column' (run in its own process)."""
    if name in ("vnni", "avx2"):
        return time_emulator(shapes, threads, repeats, name)
    if name.startswith("fbgemm"):
        return time_fbgemm(shapes, threads, repeats, name)
    return time_references(shapes, threads, repeats)


def run_round(args):
    from fpxint_sim.kernels import host_has_vnni
    from fpxint_sim.kernels.cpu_features import avx2_only_environment

    cells = {}
    for name, (env, needs_vnni) in CONTENDERS.items():
        if needs_vnni and not host_has_vnni():
            continue
        env = avx2_only_environment() if env is None else env
        cmd = [sys.executable, __file__, "--measure", name, "--repeats", str(args.repeats),
               "--threads", *map(str, args.threads)]
        run = subprocess.run(cmd, env=dict(os.environ, **env), check=True, capture_output=True,
                             text=True)
        cells.update(json.loads(run.stdout))
        print(f"{name}: done", file=sys.stderr)
    return cells


def best_of_rounds(args):
    """run_round `--rounds` times; each cell keeps its best GMAC/s. On a shared host the
    contenders are timed minutes apart, so one neighbour's burst must not decide a ratio."""
    best = {}
    for _ in range(args.rounds):
        for key, value in run_round(args).items():
            if value == value and not value <= best.get(key, float("-inf")):
                best[key] = value
    return best


def print_table(cells, args):
    import llvmlite
    import llvmlite.binding as llvm
    import numba
    import torch

    feats = llvm.get_host_cpu_features()
    print(f"# bench_kernels: {' '.join(sys.argv)}")
    print(f"# host {platform.node()} cpu={llvm.get_host_cpu_name()} cores={os.cpu_count()} "
          f"avx2={feats.get('avx2')} avx512vnni={feats.get('avx512vnni')} "
          f"avx512vl={feats.get('avx512vl')} loadavg(1/5/15 min, end of run)="
          f"{'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"# python {platform.python_version()} numpy {np.__version__} numba {numba.__version__}"
          f" llvmlite {llvmlite.__version__} torch {torch.__version__}")
    print(f"# GMAC/s, best of {args.repeats} calls in each of {args.rounds} rounds, each "
          "contender in its own process with default thread pools. vnni_* / avx2_* = "
          "fpxint_sim gemm on that path (prepacked B, wrap 32, int32 out); avx2_* built for "
          "AVX2 only (NUMBA_CPU_NAME=znver3, no AVX-512: a Zen 3's code); fbgemm = torch "
          "qlinear (u8 out), default ISA and FBGEMM_ENABLE_INSTRUCTIONS=AVX2")
    nan = float("nan")
    print(f"# register-block peak, operands in L1 (1 thread): vnni "
          f"{cells.get('peak,vnni', nan):.1f}, avx2 (Zen 3 build) "
          f"{cells.get('peak,avx2', nan):.1f} GMAC/s")
    cols = ["vnni_int8", "vnni_int4", "avx2_int8", "avx2_int4", "numpy_i32", "torch_i32",
            "fbgemm_def", "fbgemm_avx2", "ort_mmi"]
    ratios = [("vnni8/fb_def", "vnni_int8", "fbgemm_def"),
              ("vnni4/fb_def", "vnni_int4", "fbgemm_def"),
              ("avx2_8/fb_avx2", "avx2_int8", "fbgemm_avx2"),
              ("avx2_4/fb_avx2", "avx2_int4", "fbgemm_avx2")]
    print("| thr | M x K x N | " + " | ".join(cols + [t for t, _, _ in ratios]) + " |")
    print("|---" * (len(cols) + len(ratios) + 2) + "|")
    for t in args.threads:
        for m, k, n in SHAPES:
            r = {c: cells.get(f"{t},{m},{k},{n},{c}", nan) for c in cols}
            vals = [f"{r[c]:.1f}" for c in cols] + [f"{r[e] / r[f]:.2f}" for _, e, f in ratios]
            print(f"| {t} | {m}x{k}x{n} | " + " | ".join(vals) + " |")


def run_agreement():
    """Fraction of fbgemm-AVX2 outputs (accumulators, requantized u8) equal to exact math."""
    import torch

    from fpxint_sim.kernels import gemm

    warnings.filterwarnings("ignore")
    torch.backends.quantized.engine = "fbgemm"
    torch.set_num_threads(1)
    print("| K | acc == exact (emulated, bit-exact model) | u8 out == exact-derived u8 |")
    print("|---|---|---|")
    for k in (16, 64, 128, 170, 256, 1024, 4096):
        a, b = operands(64, k, 64, seed=k)
        pair, _ = gemm(a, b, pair_saturate_int16=True)
        exact, _ = gemm(a, b)
        so = float(np.std(exact) * 0.05 * 0.01 / 32)
        linear = torch.ao.nn.quantized.Linear(k, 64, bias_=False, dtype=torch.qint8)
        linear.set_weight_bias(torch._make_per_tensor_quantized_tensor(
            torch.from_numpy(b.T.copy()), 0.01, 0), None)
        linear.scale, linear.zero_point = so, 128
        y = linear(torch._make_per_tensor_quantized_tensor(torch.from_numpy(a), 0.05, 0))
        mult = np.float32(np.float32(0.05) * np.float32(0.01)) / np.float32(so)
        y_exact = np.clip(np.rint(exact.astype(np.float32) * mult) + 128, 0, 255)
        same_u8 = float((y.int_repr().numpy() == y_exact).mean())
        print(f"| {k} | {float((pair == exact).mean()):.4f} | {same_u8:.4f} |")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--rounds", type=int, default=1,
                   help="repeat the whole measurement; every cell keeps its best")
    p.add_argument("--measure", choices=list(CONTENDERS), help=argparse.SUPPRESS)
    p.add_argument("--agreement", action="store_true",
                   help="fbgemm AVX2 vs exact integer agreement (set FBGEMM_ENABLE_INSTRUCTIONS)")
    args = p.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, SHAPES, args.threads, args.repeats)))
    elif args.agreement:
        run_agreement()
    else:
        print_table(best_of_rounds(args), args)


if __name__ == "__main__":
    main()
