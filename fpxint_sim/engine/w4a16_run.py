"""The engine's W4A16 backend: W4A16 layers run on the Numba fold-order kernel.

Installed as `layer.job_backend` by `w4a16_engine_attached`. Per forward it rounds the
activations to the description's format on their bit patterns (kernels/float_formats.py), runs
each GEMM job on kernels/fp32_fold_gemm.py (folds of array_rows, or one fold when the order is
sequential) and applies the epilogue in numpy float32, t ascending, then the bias, so that the
output equals the layers' PyTorch reference bit for bit. Counts MACs and jobs per layer.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch

from fpxint_sim.engine.run import engine_attached
from fpxint_sim.errors import InputError
from fpxint_sim.expand.w4a16_layers import W4A16Linear, term_scales
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.kernels.float_formats import round_to_format
from fpxint_sim.kernels.fp32_fold_gemm import fold_gemm

VALUE_KEYS = ("activation_format", "w4a16_mac", "accumulator_format", "accumulation_order")


@dataclass
class W4A16Counters:
    """One W4A16 layer over all forwards: jobs, MACs (on `mac` units) and outputs."""

    name: str
    kind: str  # "gemm" (a Linear) or "act_matmul"
    mac: str  # the MAC units the jobs ran on: "int4xfp16" or "fp16"
    forwards: int = 0
    jobs: int = 0
    macs: int = 0
    outputs: int = 0
    jobs_per_forward: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class W4A16Job:
    """One executed GEMM job, handed to the observer (verify checks it, then drops it)."""

    layer: str
    kind: str
    term: int  # weight term t (1-based) of an int4xfp16 job; 0: one job on the FP16 MACs
    a: np.ndarray  # (G, M, K) float32: the rounded activations as the MACs take them
    bt: np.ndarray  # (G, K, N) float32: INT4 term, rebuilt weight or rounded activation
    fold: int
    acc: np.ndarray  # (G, M, N) float32: the job's accumulators


@dataclass(frozen=True)
class _EngineWeights:
    terms: tuple  # ((q^T (1, K, N) float32, s (N,) float32), ...) per weight term
    dequantized: np.ndarray | None  # (1, K, N) in the activation format, dequant_fp16 only
    bias: np.ndarray | None


class W4A16EngineBackend:
    """Runs W4A16 layers on `hw`; `counters` per layer; `observer(W4A16Job)` sees every job."""

    def __init__(self, hw: Accelerator, observer=None):
        if hw.w4a16 is None:
            raise InputError(f"{hw.source_path or hw.name}: no w4a16 section: this "
                             "accelerator declares no W4A16 arithmetic")
        self.hw, self.spec, self.observer = hw, hw.w4a16, observer
        self.counters: dict[str, W4A16Counters] = {}
        self._weights: dict[str, tuple] = {}

    def check_layer(self, layer) -> None:
        """Refuse a layer expanded for other arithmetic than this description declares."""
        where = self.hw.source_path or self.hw.name
        for key in VALUE_KEYS:
            if getattr(layer.spec, key) != getattr(self.spec, key):
                raise InputError(f"{where}: w4a16.{key} is '{getattr(self.spec, key)}' but "
                                 f"layer {layer.layer_name or '(root)'} was expanded for "
                                 f"'{getattr(layer.spec, key)}'")
        if layer.array_rows != self.hw.array.array_rows:
            raise InputError(f"{where}: array.array_rows is {self.hw.array.array_rows} but "
                             f"layer {layer.layer_name or '(root)'} was expanded for "
                             f"{layer.array_rows}")

    def weights(self, layer: W4A16Linear) -> _EngineWeights:
        """The layer's operands as the engine holds them, built once per weight series."""
        cached = self._weights.get(layer.layer_name)
        if cached is not None and cached[0] is layer.weight_series:
            return cached[1]
        n = layer.out_features
        terms = tuple((np.ascontiguousarray(t.centered().astype(np.float32).T)[None],
                       term_scales(t, n).astype(np.float32))
                      for t in layer.weight_series.terms)
        deq = None
        if self.spec.w4a16_mac == "dequant_fp16":  # the vector unit: fp32, t ascending
            w = np.zeros((n, layer.in_features), dtype=np.float32)
            with np.errstate(over="ignore", invalid="ignore"):
                for t, (qt, s) in enumerate(terms):
                    term = s[:, None] * qt[0].T
                    w = term if t == 0 else w + term
            deq = np.ascontiguousarray(round_to_format(w, self.spec.activation_format).T)[None]
        bias = None if layer.bias is None else layer.bias.numpy().astype(np.float32)
        out = _EngineWeights(terms, deq, bias)
        self._weights[layer.layer_name] = (layer.weight_series, out)
        return out

    def _counters(self, layer, kind: str, mac: str) -> W4A16Counters:
        return self.counters.setdefault(layer.layer_name, W4A16Counters(layer.layer_name,
                                                                         kind, mac))

    def _job(self, layer, counters, term, a, bt, fold) -> np.ndarray:
        acc = fold_gemm(a, bt, fold)
        counters.jobs += 1
        counters.macs += acc.size * a.shape[2]
        counters.outputs += acc.size
        if self.observer is not None:
            self.observer(W4A16Job(layer.layer_name, counters.kind, term, a, bt, fold, acc))
        return acc

    def _activations(self, x: torch.Tensor) -> np.ndarray:
        x32 = x.detach().to(torch.float32).cpu().numpy()
        return round_to_format(x32, self.spec.activation_format)

    def run_linear(self, layer: W4A16Linear, x: torch.Tensor) -> torch.Tensor:
        lead, k, n = x.shape[:-1], layer.in_features, layer.out_features
        mac = "fp16" if self.spec.w4a16_mac == "dequant_fp16" else "int4xfp16"
        counters = self._counters(layer, "gemm", mac)
        w = self.weights(layer)
        a = self._activations(x).reshape(1, -1, k)
        fold = self.spec.fold_size(self.hw.array.array_rows, k)
        before = counters.jobs
        with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN are IEEE values here
            y = self._linear_values(layer, counters, w, a, fold)
        self._finish(layer, counters, before)
        return torch.from_numpy(y).reshape(*lead, n)

    def _linear_values(self, layer, counters, w: _EngineWeights, a: np.ndarray, fold: int):
        """The jobs and the epilogue of one Linear forward: (M, N) float32."""
        if w.dequantized is not None:
            y = self._job(layer, counters, 0, a, w.dequantized, fold)[0]
        else:
            y = np.zeros((a.shape[1], layer.out_features), dtype=np.float32)
            for t, (qt, s) in enumerate(w.terms):  # epilogue: s_t * acc_t, added t ascending
                term = s[None, :] * self._job(layer, counters, t + 1, a, qt, fold)[0]
                y = term if t == 0 else y + term
        return y if w.bias is None else y + w.bias

    def run_act_matmul(self, layer, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        batch = torch.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        (m, k), n = a.shape[-2:], b.shape[-1]
        counters = self._counters(layer, "act_matmul", "fp16")
        a3 = self._activations(a.expand(*batch, m, k)).reshape(-1, m, k)
        b3 = self._activations(b.expand(*batch, k, n)).reshape(-1, k, n)
        before = counters.jobs
        y = self._job(layer, counters, 0, a3, b3, self.spec.fold_size(self.hw.array.array_rows,
                                                                        k))
        self._finish(layer, counters, before)
        return torch.from_numpy(y).reshape(*batch, m, n)

    @staticmethod
    def _finish(layer, counters: W4A16Counters, jobs_before: int) -> None:
        counters.forwards += 1
        counters.jobs_per_forward.append(counters.jobs - jobs_before)
        layer.jobs_per_forward.append(counters.jobs - jobs_before)


@contextmanager
def w4a16_engine_attached(em, hw: Accelerator, observer=None):
    """Every W4A16 layer of `em` runs on the engine inside the block (the backend is yielded),
    on its PyTorch reference after it."""
    backend = W4A16EngineBackend(hw, observer)
    for layer in em.layers.values():
        backend.check_layer(layer)
    with engine_attached(em, backend):
        yield backend
