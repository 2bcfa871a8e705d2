"""The kernels compiled for an AVX2-only CPU (a Zen 3's code, run here) stay exact.

A subprocess sets NUMBA_CPU_NAME / NUMBA_CPU_FEATURES (`avx2_only_environment`), so Numba
builds every kernel without AVX-512: 16 vector registers, no vpdpbusd (the driver's VNNI kind
compiles as plain IR there) and no vpdpwssd fusion. Every AVX2 sub-path runs against int64.
"""

import os
import subprocess
import sys

import pytest

from fpxint_sim.kernels import host_has_avx2
from fpxint_sim.kernels.cpu_features import avx2_only_environment

SCRIPT = """
import numpy as np
from fpxint_sim.kernels import AccumulatorSpec, gemm, gemm_spec, prepack_b
from fpxint_sim.kernels.cpu_features import host_has_32_vector_registers, resolve_impl
assert resolve_impl("auto") == "avx2" and not host_has_32_vector_registers()
rng = np.random.default_rng(3)
cases = [((5, 77), -8, 8, 128), ((5, 77), -128, 128, 128), ((40, 77), -128, 128, 128),
         ((40, 9), 0, 256, 128), ((3, 77), -8, 8, 8), ((5, 77), -128, 128, 8)]
for (m, k), lo, hi, b_hi in cases:  # NIBBLE, SXB, INT16 (two), 4-bit B two per byte (two)
    a = rng.integers(lo, hi, (m, k)).astype(np.int16)
    b = rng.integers(-b_hi, b_hi, (k, 45)).astype(np.int8)
    for bits in (20, 64):
        acc, ev = gemm(a, prepack_b(b), acc_bits=bits)
        exact = a.astype(np.int64) @ b.astype(np.int64)
        half = 1 << (bits - 1)
        ref = exact if bits == 64 else (exact + half) % (2 * half) - half
        assert (acc == ref).all() and ev.overflow == int((ref != exact).sum()), (m, k, lo, bits)
# several L2 row blocks and N blocks on 2 threads, 16/32-bit accumulators; int32 super-chunks
# of the int16 words (K = 70001) for INT16 (16 rows) and SXB (3 rows)
big = [((200, 300, 300), -128, 128, 128, (16, 32)), ((16, 70001, 3), 0, 256, 128, (32, 64)),
       ((3, 70001, 3), -128, 128, 128, (32, 64))]
for (m, k, n), lo, hi, b_hi, bit_list in big:
    a = rng.integers(lo, hi, (m, k)).astype(np.int16)
    b = rng.integers(-b_hi, b_hi, (k, n)).astype(np.int8)
    exact = a.astype(np.int64) @ b.astype(np.int64)
    for bits in bit_list:
        acc, ev = gemm_spec(a, prepack_b(b), AccumulatorSpec(bits), threads=2)
        half = 1 << (bits - 1)
        ref = exact if bits == 64 else (exact + half) % (2 * half) - half
        assert (acc == ref).all() and ev.overflow == int((ref != exact).sum()), (m, k, bits)
print("exact")
"""


@pytest.mark.avx2_codegen  # about a minute: deselected by default, run by .ci/run on its own
@pytest.mark.skipif(not host_has_avx2(), reason="host has no AVX2")
def test_avx2_only_build_is_exact(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path), **avx2_only_environment())
    run = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip() == "exact"
