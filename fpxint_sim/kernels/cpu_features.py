"""Which kernel path this host can run: AVX512-VNNI or AVX2 micro-kernels, or portable loops.

"auto" picks the first the host supports of "vnni" (vpdpbusd on ymm: needs avx512vnni and
avx512vl), "avx2" (vpmaddubsw + vpmaddwd) and "portable" (plain Numba loops). Features are
read from LLVM, i.e. what Numba compiles for.
"""

from functools import lru_cache

import llvmlite.binding as llvm

from fpxint_sim.errors import InputError

IMPLS = ("auto", "vnni", "avx2", "portable")


@lru_cache(maxsize=1)
def host_has_avx2() -> bool:
    """True when the host CPU (as LLVM sees it, i.e. what Numba compiles for) has AVX2."""
    features = llvm.get_host_cpu_features()
    return bool(features.get("avx2", False))


@lru_cache(maxsize=1)
def host_has_vnni() -> bool:
    """True when the host has AVX512-VNNI and AVX512-VL (vpdpbusd on 256-bit vectors)."""
    features = llvm.get_host_cpu_features()
    return bool(features.get("avx512vnni", False) and features.get("avx512vl", False))


def resolve_impl(impl: str) -> str:
    """Map 'auto' to the best path for this host; reject an explicit path it cannot run."""
    if impl not in IMPLS:
        raise InputError(f"impl must be one of {IMPLS}, got {impl!r}")
    if impl == "auto":
        return "vnni" if host_has_vnni() else "avx2" if host_has_avx2() else "portable"
    if impl == "vnni" and not host_has_vnni():
        raise InputError("impl='vnni' requested but this CPU has no AVX512-VNNI with AVX512-VL")
    if impl == "avx2" and not host_has_avx2():
        raise InputError("impl='avx2' requested but this CPU has no AVX2")
    return impl


@lru_cache(maxsize=1)
def host_has_32_vector_registers() -> bool:
    """AVX-512VL gives AVX2 code 32 ymm registers: room for 24-accumulator register blocks."""
    return bool(llvm.get_host_cpu_features().get("avx512vl", False))
