"""torch's fbgemm quantized Linear, reproduced bit for bit from the emulator's accumulators.

fbgemm picks its GEMM kernel from the CPU: without AVX512-VNNI it uses vpmaddubsw, which
saturates the int16 sum of the adjacent products (k even, k + 1); with VNNI (vpdpbusd) the
sum is exact. FBGEMM_ENABLE_INSTRUCTIONS forces the ISA, so each run is a subprocess.
Expected outputs = fbgemm's requantization (float32 multiplier, lrintf, clamp) of our int32s.
"""

import os
import subprocess
import sys
from pathlib import Path

import llvmlite.binding as llvm
import numpy as np
import pytest

from fpxint_sim.kernels import gemm, zero_point_correction

RUNNER = Path(__file__).with_name("fbgemm_qlinear_runner.py")
SHAPES = [(1, 1, 1), (1, 2, 3), (2, 7, 3), (1, 64, 40), (5, 65, 17), (3, 513, 9), (1, 1000, 8),
          (8, 2048, 24), (4, 4097, 5), (33, 300, 40), (2, 9000, 3)]
FEATURES = llvm.get_host_cpu_features()
HAS_VNNI = bool(FEATURES.get("avx512vnni", False))


def fbgemm_requantize(raw, q):
    """fbgemm ReQuantizeOutput: float32(raw) * float32 multiplier, round half even, + zo, clamp.

    torch computes the multiplier in float32 as (x_scale * w_scale) / out_scale.
    """
    x_scale, _, w_scale, _, out_scale, out_zero = q
    mult = np.float32(np.float32(x_scale) * np.float32(w_scale)) / np.float32(out_scale)
    scaled = raw.astype(np.int32).astype(np.float32) * mult
    return np.clip(np.rint(scaled).astype(np.int64) + int(out_zero), 0, 255)


def make_cases(seed=11, reps=4):
    rng = np.random.default_rng(seed)
    cases, n = {}, 0
    for m, k, nout in SHAPES:
        for rep in range(reps):
            x = rng.integers(0, 256, (m, k)).astype(np.uint8)
            w = rng.integers(-128, 128, (nout, k)).astype(np.int8)
            if rep == 1:  # the worst pairs: 255 * 127 twice
                x[:] = 255
                w[:, ::2] = 127
            zx = 0 if rep == 2 else int(rng.integers(0, 256))
            zw = 0 if rep == 2 else int(rng.integers(-20, 20))
            sx, sw = float(rng.uniform(1e-3, 0.1)), float(rng.uniform(1e-3, 0.1))
            spread = np.std(x.astype(np.int64) @ w.T.astype(np.int64)) + 1.0
            so = float(spread * sx * sw / 32)  # outputs spread over uint8, little clipping
            q = np.array([sx, zx, sw, zw, so, int(rng.integers(100, 156))])
            cases.update({f"x{n}": x, f"w{n}": w, f"q{n}": q})
            n += 1
    cases["n"] = n
    return cases


def run_torch(cases, isa, tmp_path):
    np.savez(tmp_path / "cases.npz", **cases)
    env = dict(os.environ, FBGEMM_ENABLE_INSTRUCTIONS=isa)
    subprocess.run([sys.executable, str(RUNNER), str(tmp_path / "cases.npz"),
                    str(tmp_path / "out.npz")], env=env, check=True, timeout=300)
    out = np.load(tmp_path / "out.npz")
    return [out[f"y{i}"] for i in range(int(cases["n"]))]


def emulate(cases, pair_saturate):
    ys = []
    for i in range(int(cases["n"])):
        x, w, q = cases[f"x{i}"], cases[f"w{i}"], cases[f"q{i}"]
        acc, _ = gemm(x, w.T, acc_bits=32, pair_saturate_int16=pair_saturate)
        raw = acc + zero_point_correction(x, w.T, int(q[1]), int(q[3]))
        ys.append(fbgemm_requantize(raw, q))
    return ys


@pytest.fixture(scope="module")
def cases():
    return make_cases()


@pytest.mark.parametrize("isa", ["AVX2", "AVX512"])
def test_pair_saturated_model_reproduces_fbgemm_vpmaddubsw_bit_for_bit(isa, cases, tmp_path):
    if isa == "AVX512" and not FEATURES.get("avx512bw", False):
        pytest.skip("host has no AVX512BW")
    torch_out = run_torch(cases, isa, tmp_path)
    for y, e in zip(torch_out, emulate(cases, True), strict=True):
        np.testing.assert_array_equal(y, e)
    exact = emulate(cases, False)
    assert any(not np.array_equal(y, e) for y, e in zip(torch_out, exact, strict=True))


@pytest.mark.skipif(not HAS_VNNI, reason="host has no AVX512-VNNI")
def test_exact_model_reproduces_fbgemm_vnni_bit_for_bit(cases, tmp_path):
    for y, e in zip(run_torch(cases, "AVX512_E1", tmp_path), emulate(cases, False), strict=True):
        np.testing.assert_array_equal(y, e)


def test_fbgemm_pairs_are_adjacent_even_odd_k(tmp_path):
    """x = 255 everywhere; a column saturates only if both 127s sit in one pair (2i, 2i + 1)."""
    k = 12
    w = np.zeros((k - 1, k), dtype=np.int8)
    for j in range(k - 1):
        w[j, j] = w[j, j + 1] = 127
    x = np.full((1, k), 255, dtype=np.uint8)
    q = np.array([1.0, 0, 1.0, 0, 1024.0, 128])
    y = run_torch({"x0": x, "w0": w, "q0": q, "n": 1}, "AVX2", tmp_path)[0][0].astype(np.int64)
    saturated = (y - 128) * 1024 < 2 * 255 * 127 - 512
    assert saturated.tolist() == [j % 2 == 0 for j in range(k - 1)]
