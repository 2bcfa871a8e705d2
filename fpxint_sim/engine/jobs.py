"""One integer job on the PEs: raw operands into the kernels, then the zero-point correction.

The PEs take the raw activation integers (uint with zero point z per row, or int) and the
symmetric weight term; the array produces raw = sum_k x[r, k] W[o, k] under the accumulator
arithmetic; the epilogue adds the correction -z[r] * sum_k W[o, k] (conv: the sum over the
kernel window; padding holds z, so the correction is the same at the borders). Under wrap the
correction is added modulo 2^acc_bits (equal to wrapping the centered job); under saturate it
is added in the wide epilogue unit. docs/engine.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fpxint_sim.engine.conv_output import scatter_corrected
from fpxint_sim.engine.im2col import (
    BLOCK_ELEMS,
    conv_windows,
    group_patches,
    patch_elems_per_image,
)
from fpxint_sim.kernels import AccumulatorEvents, AccumulatorSpec, gemm_spec
from fpxint_sim.kernels.accumulator import acc_dtype
from fpxint_sim.kernels.cpu_features import host_has_avx2
from fpxint_sim.kernels.packed_operands import prepack_b


@dataclass(frozen=True)
class PreparedWeight:
    """A weight term ready for the kernels: q (layer weight shape), per group B = W_g^T (K, O/g)
    (packed on AVX2 hosts), and the per-output-channel sums used by the zero-point correction."""

    q: np.ndarray
    b_groups: tuple
    weight_sums: np.ndarray  # int64 (O,): sum over k (conv: the kernel window) of W[o]


def prepare_weight(q: np.ndarray, groups: int = 1) -> PreparedWeight:
    o = q.shape[0]
    flat = np.ascontiguousarray(q.reshape(o, -1))
    og = o // groups
    b_groups = []
    for g in range(groups):
        b = np.ascontiguousarray(flat[g * og:(g + 1) * og].T)
        packed = prepack_b(b) if host_has_avx2() else None
        b_groups.append(b if packed is None else packed)
    return PreparedWeight(q, tuple(b_groups), flat.sum(axis=1, dtype=np.int64))


@dataclass(frozen=True)
class JobAccumulators:
    """raw: what the accumulators hold; acc: after the zero-point correction (the job's value)."""

    raw: np.ndarray
    acc: np.ndarray
    events: AccumulatorEvents


def wrap_to(v: np.ndarray, acc_bits: int) -> np.ndarray:
    """Two's complement reduction modulo 2^acc_bits (int64; 64 bits: unchanged)."""
    if acc_bits >= 64:
        return v
    half = np.int64(1) << np.int64(acc_bits - 1)
    mask = (np.int64(1) << np.int64(acc_bits)) - np.int64(1)
    return ((v + half) & mask) - half


def zero_point_corrected(raw: np.ndarray, correction: np.ndarray | None, spec: AccumulatorSpec):
    """raw + the zero-point correction: modulo 2^acc_bits under wrap, wide (int64) otherwise."""
    if correction is None:
        return raw
    out = raw + correction.astype(np.int64, copy=False)
    if spec.overflow == "wrap":  # back in the accumulator's range and storage
        return wrap_to(out, spec.acc_bits).astype(acc_dtype(spec.acc_bits), copy=False)
    return out


def linear_job(x_raw: np.ndarray, x_zero: np.ndarray, w: PreparedWeight,
               spec: AccumulatorSpec) -> JobAccumulators:
    """x_raw (R, K) @ W^T (K, O) on the PEs; x_zero (R,) int64 per row."""
    raw, events = gemm_spec(np.ascontiguousarray(x_raw), w.b_groups[0], spec)
    corr = None
    if np.any(x_zero):
        corr = -x_zero[:, None] * w.weight_sums[None, :]
    return JobAccumulators(raw, zero_point_corrected(raw, corr, spec), events)


def conv_job(x_raw: np.ndarray, x_zero: np.ndarray, w: PreparedWeight, stride, padding,
             dilation, groups: int, spec: AccumulatorSpec) -> JobAccumulators:
    """conv2d of raw NCHW x (padding holds each image's zero point) and the OIHW weight term.

    Run as GEMMs over blocks of images: patches (images x pixels, K) @ W_g^T per group, with
    the reduction index k = (c * KH + r) * KW + s of kernels.conv2d (same saturation order).
    """
    n_img = x_raw.shape[0]
    o, cg, kh, kw = w.q.shape
    og = o // groups
    raw = acc = None
    events = AccumulatorEvents(0, 0, 0)
    correct = bool(np.any(x_zero))
    wrap = spec.overflow == "wrap"
    zero = x_zero.astype(np.int64, copy=False)
    step = max(1, BLOCK_ELEMS // max(1, patch_elems_per_image(x_raw.shape, w.q.shape, stride,
                                                                padding, dilation)))
    for n0 in range(0, n_img, step):
        n1 = min(n_img, n0 + step)
        windows = conv_windows(x_raw[n0:n1], x_zero[n0:n1], (kh, kw), stride, padding, dilation)
        _, _, oh, ow = windows.shape[:4]
        if raw is None:
            raw = np.empty((n_img, o, oh, ow), dtype=acc_dtype(spec.acc_bits))
            # the dtype zero_point_corrected gives: the accumulator's under wrap, else int64
            acc = np.empty(raw.shape, dtype=raw.dtype if wrap else np.int64) if correct else raw
        for g in range(groups):
            a = group_patches(windows, g, cg)
            part, ev = gemm_spec(a, w.b_groups[g], spec)
            scatter_corrected(part.reshape(n1 - n0, oh * ow, og),
                              raw[n0:n1].reshape(n1 - n0, o, oh * ow),
                              acc[n0:n1].reshape(n1 - n0, o, oh * ow), zero[n0:n1],
                              w.weight_sums, g * og, spec.acc_bits, wrap, correct)
            events = events + ev
    return JobAccumulators(raw, acc, events)
