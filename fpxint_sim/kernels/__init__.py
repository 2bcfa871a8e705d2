"""Bit-exact integer kernels (Numba): GEMM and conv2d jobs with the accelerator's accumulators.

Exact fast paths, chosen at run time (`impl="auto"`): AVX512-VNNI (vpdpbusd), AVX2
(vpmaddubsw + vpmaddwd), portable Numba loops. Accumulator arithmetic, accumulation order and
the exactness of the fast paths: docs/accumulators.md.
"""

from fpxint_sim.kernels.accumulator import AccumulatorEvents, AccumulatorSpec
from fpxint_sim.kernels.conv import conv2d
from fpxint_sim.kernels.cpu_features import host_has_avx2, host_has_vnni
from fpxint_sim.kernels.gemm import exact_matmul, gemm, gemm_spec
from fpxint_sim.kernels.packed_operands import PackedB, prepack_b
from fpxint_sim.kernels.zero_point import zero_point_correction

__all__ = [
    "AccumulatorEvents",
    "AccumulatorSpec",
    "PackedB",
    "conv2d",
    "exact_matmul",
    "gemm",
    "gemm_spec",
    "host_has_avx2",
    "host_has_vnni",
    "prepack_b",
    "zero_point_correction",
]
