"""`gemm`: one integer job A (M, K) @ B (K, N) with the accelerator's accumulator arithmetic.

Fast path (wrap, or saturate that provably cannot clamp): exact int64 product from the
AVX512-VNNI, AVX2 or portable kernel (chosen at run time), then reduction modulo
2**acc_bits. Slow path (saturate, fbgemm pairs): ordered Numba loops. Arithmetic and
order: docs/accumulators.md.
"""

from __future__ import annotations

import numpy as np

from fpxint_sim.errors import InputError
from fpxint_sim.kernels import portable
from fpxint_sim.kernels.accumulator import (
    AccumulatorEvents,
    AccumulatorSpec,
    acc_dtype,
    check_int_operand,
    wrap_in_place,
)
from fpxint_sim.kernels.cpu_features import resolve_impl
from fpxint_sim.kernels.packed_operands import (
    PackedB,
    avx2_exact_matmul,
    prepack_b,
    value_range,
    vnni_exact_matmul,
)
from fpxint_sim.kernels.threads import current_threads, threads_for_job


def gemm(a, b, *, acc_bits: int = 32, overflow: str = "wrap",
         pair_saturate_int16: bool = False, k_tile: int | None = None,
         impl: str = "auto") -> tuple[np.ndarray, AccumulatorEvents]:
    """Accumulator values (M, N) of A @ B and the overflow events of this job.

    The values are int32 for acc_bits <= 32 and int64 for 64 (`acc_dtype`).

    a: (M, K), b: (K, N) or a `PackedB`; integer values (INT4 in int8, INT8 signed/unsigned,
    up to 16-bit). overflow="wrap" is two's complement modulo 2**acc_bits (order-free);
    "saturate" clamps after every addition, in array order: each PE adds its products over K
    in increasing k from 0 within each fold of `k_tile` (default: one fold of all K), and the
    fold partial sums are added, clamped, to the running total in fold order.
    pair_saturate_int16 models fbgemm's AVX2 u8 x s8 path: terms are int16-saturated sums of
    the product pairs (k even, k + 1). impl: "auto" (best the host runs), "vnni", "avx2" or
    "portable"; it only selects the exact fast path (every path gives the same bits).
    """
    spec = AccumulatorSpec(acc_bits, overflow, pair_saturate_int16, k_tile)
    return gemm_spec(a, b, spec, impl=impl)


def gemm_spec(a, b, spec: AccumulatorSpec, *, impl: str = "auto",
              threads: int | None = None) -> tuple[np.ndarray, AccumulatorEvents]:
    """`gemm` with a prepared AccumulatorSpec (what conv2d and the engine call)."""
    path = resolve_impl(impl)
    a = check_int_operand("a", a, 2)
    packed = b if isinstance(b, PackedB) else None
    b_raw = packed.b if packed is not None else check_int_operand("b", b, 2)
    if a.shape[1] != b_raw.shape[0]:
        raise InputError(f"gemm shapes do not chain: a {a.shape} @ b {b_raw.shape}")
    if spec.pair_saturate_int16 and spec.k_tile is not None and spec.k_tile % 2:
        raise InputError(f"pair_saturate_int16 needs an even k_tile, got {spec.k_tile}")
    n_outputs = a.shape[0] * b_raw.shape[1]
    if spec.pair_saturate_int16 or (spec.ordered and not _cannot_clamp(a, b_raw, packed, spec)):
        return _ordered(a, b_raw, spec, n_outputs)
    # saturate that cannot clamp: every sum fits acc_bits, so wrapping to it changes nothing
    out, overflowed = wrapped_matmul(a, packed if packed is not None else b_raw, spec.acc_bits,
                                     impl=path, threads=threads)
    if spec.ordered:
        overflowed = 0
    return out, AccumulatorEvents(overflowed, 0, n_outputs)


def exact_matmul(a: np.ndarray, b, *, impl: str = "auto",
                 threads: int | None = None) -> np.ndarray:
    """Exact int64 A @ B on the fastest exact path this host and these operands allow."""
    return wrapped_matmul(a, b, 64, impl=impl, threads=threads)[0]


def wrapped_matmul(a: np.ndarray, b, acc_bits: int, *, impl: str = "auto",
                   threads: int | None = None) -> tuple[np.ndarray, int]:
    """A @ B reduced modulo 2**acc_bits (64: exact), as acc_dtype(acc_bits), and how many
    outputs the reduction changed."""
    path = resolve_impl(impl)
    packed = b if isinstance(b, PackedB) else None
    b_raw = packed.b if packed is not None else b
    if path in ("vnni", "avx2"):
        if packed is None:
            packed = prepack_b(np.ascontiguousarray(b_raw))
        if packed is not None:
            n_threads = threads_for_job(a.shape[0] * a.shape[1] * packed.shape[1],
                                        packed.panels.size,
                                        current_threads() if threads is None else threads)
            kernel = vnni_exact_matmul if path == "vnni" else avx2_exact_matmul
            res = kernel(np.ascontiguousarray(a), packed, n_threads, acc_bits)
            if res is not None:
                return res
    out = portable.exact_gemm(np.ascontiguousarray(a), np.ascontiguousarray(b_raw))
    changed = int(wrap_in_place(out, acc_bits))
    return out.astype(acc_dtype(acc_bits), copy=False), changed


def _cannot_clamp(a, b_raw, packed, spec: AccumulatorSpec) -> bool:
    """True when K * max|a| * max|b| fits the accumulator: no sum can clamp, exact = saturated."""
    a_lo, a_hi = value_range(a)
    b_lo, b_hi = (packed.value_lo, packed.value_hi) if packed is not None else value_range(b_raw)
    bound = a.shape[1] * max(abs(a_lo), abs(a_hi)) * max(abs(b_lo), abs(b_hi))
    return bound <= spec.hi


def _ordered(a, b_raw, spec: AccumulatorSpec, n_outputs: int):
    a = np.ascontiguousarray(a)
    b_raw = np.ascontiguousarray(b_raw)
    if spec.overflow == "wrap":  # fbgemm pairs, then modular reduction (order-free)
        out, pair_flags = portable.pair_saturated_gemm(a, b_raw)
        overflowed = wrap_in_place(out, spec.acc_bits)
        return (out.astype(acc_dtype(spec.acc_bits), copy=False),
                AccumulatorEvents(int(overflowed), int(pair_flags.sum()), n_outputs))
    k_tile = spec.k_tile if spec.k_tile is not None else max(1, a.shape[1])
    out, clamped, pair_flags = portable.ordered_gemm(
        a, b_raw, np.int64(spec.lo), np.int64(spec.hi), k_tile, spec.pair_saturate_int16)
    return (out.astype(acc_dtype(spec.acc_bits), copy=False),
            AccumulatorEvents(int(clamped.sum()), int(pair_flags.sum()), n_outputs))
