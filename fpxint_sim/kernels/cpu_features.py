"""Which kernel path this host can run: AVX512-VNNI or AVX2 micro-kernels, or portable loops.

"auto" picks the first the host supports of "vnni" (vpdpbusd on zmm: needs avx512vnni and
avx512vl), "avx2" (vpmaddubsw + vpmaddwd) and "portable" (plain Numba loops). Features are
what Numba compiles for: NUMBA_CPU_FEATURES when set (with NUMBA_CPU_NAME, e.g. to build the
AVX2-only code of a Zen 3 on a newer CPU, as benchmarks/bench_kernels.py does), else the host's
as LLVM reports them.
"""

from functools import lru_cache

import llvmlite.binding as llvm
import numba

from fpxint_sim.errors import InputError

IMPLS = ("auto", "vnni", "avx2", "portable")


@lru_cache(maxsize=1)
def target_features() -> dict[str, bool]:
    """The CPU features Numba compiles for (NUMBA_CPU_FEATURES, else the host's)."""
    override = numba.config.CPU_FEATURES
    if override:
        return {f[1:]: f[0] == "+" for f in override.split(",") if len(f) > 1 and f[0] in "+-"}
    name = numba.config.CPU_NAME
    if name and name != "host":  # a named CPU without a feature list (e.g. "generic"): the
        return {}  # features are LLVM's guess for that name; claim none, run portable code
    return dict(llvm.get_host_cpu_features())


def host_has_avx2() -> bool:
    """True when the target CPU (what Numba compiles for) has AVX2."""
    return bool(target_features().get("avx2", False))


def host_has_vnni() -> bool:
    """True when the target has AVX512-VNNI and AVX512-VL (vpdpbusd on 256-bit vectors)."""
    features = target_features()
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


def host_has_32_vector_registers() -> bool:
    """AVX-512VL gives AVX2 code 32 ymm registers: room for 24-accumulator register blocks."""
    return bool(target_features().get("avx512vl", False))


def avx2_only_environment() -> dict[str, str]:
    """Environment variables that make Numba compile this host's code for AVX2 only.

    NUMBA_CPU_NAME=znver3 and the host's features with every AVX-512, AVX-VNNI and AMX
    extension off: the instructions and the 16 vector registers of a Zen 3, run on this CPU.
    Used by benchmarks/bench_kernels.py (the issue's Zen 3 baseline) and the AVX2 codegen test.
    """
    off = ("avx512", "avxvnni", "amx", "avx10")
    flags = [("-" if name.startswith(off) or not on else "+") + name
             for name, on in llvm.get_host_cpu_features().items()]
    return {"NUMBA_CPU_NAME": "znver3", "NUMBA_CPU_FEATURES": ",".join(flags)}
