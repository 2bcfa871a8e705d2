"""`verify` of the W4A16 value path: every GEMM job's accumulators against the PyTorch
ordered-sum reference, every layer's output and the model's output against the PyTorch W4A16
network (the layers' own forward), bit for bit. A pass needs at least one job checked and no
GEMM/conv op of the captured graph left float (unless allowed by name). docs/w4a16.md.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

import torch

from fpxint_sim.errors import InputError
from fpxint_sim.expand.w4a16_reference import ordered_fold_matmul

MAX_LISTED = 10  # mismatches listed in the result


def same_bits(got: torch.Tensor, want: torch.Tensor) -> torch.Tensor:
    """Elementwise: equal float32 bit patterns, or both NaN (NaN payloads are not declared)."""
    g, w = got.to(torch.float32), want.to(torch.float32)
    return (g.view(torch.int32) == w.view(torch.int32)) | (g.isnan() & w.isnan())


def bitwise_equal(got: torch.Tensor, want: torch.Tensor) -> bool:
    """Same shape and every element the same bits (same_bits)."""
    return got.shape == want.shape and bool(same_bits(got, want).all())


@dataclass
class LayerCheck:
    jobs: int = 0
    accumulators: int = 0
    mismatched_accumulators: int = 0
    outputs: int = 0
    mismatched_outputs: int = 0


@dataclass
class W4A16JobChecker:
    """Engine observer: each job's accumulators against ordered_fold_matmul on its operands."""

    layers: dict[str, LayerCheck] = field(default_factory=lambda: defaultdict(LayerCheck))
    mismatches: list[dict] = field(default_factory=list)

    def __call__(self, job) -> None:
        lc = self.layers[job.layer]
        lc.jobs += 1
        lc.accumulators += job.acc.size
        want = ordered_fold_matmul(torch.from_numpy(job.a),
                                   torch.from_numpy(job.bt).transpose(-1, -2), job.fold)
        got = torch.from_numpy(job.acc)
        self._note(lc, job.layer, f"job {job.term}" if job.term else "job", got, want,
                   "mismatched_accumulators")

    def layer_output(self, name: str, got: torch.Tensor, want: torch.Tensor) -> None:
        lc = self.layers[name]
        lc.outputs += got.numel()
        self._note(lc, name, "layer output", got, want, "mismatched_outputs")

    def _note(self, lc: LayerCheck, layer: str, what: str, got, want, counter: str) -> None:
        if got.shape != want.shape:
            setattr(lc, counter, getattr(lc, counter) + got.numel())
            self.mismatches.append({"layer": layer, "what": what, "index": None,
                                    "engine": f"shape {tuple(got.shape)}",
                                    "reference": f"shape {tuple(want.shape)}"})
            return
        bad = ~same_bits(got, want)
        setattr(lc, counter, getattr(lc, counter) + int(bad.sum()))
        for idx in torch.nonzero(bad)[: max(0, MAX_LISTED - len(self.mismatches))]:
            t = tuple(int(v) for v in idx)
            self.mismatches.append({"layer": layer, "what": what, "index": list(t),
                                    "engine": float(got[t]), "reference": float(want[t])})


def _record_layer_outputs(em, sink):
    """Forward hooks on every W4A16 layer calling sink(name, output); returns the handles."""
    return [layer.register_forward_hook(
        lambda mod, _args, out: sink(mod.layer_name, out.detach())) for layer in
        em.layers.values()]


def verify_w4a16_expanded(em, hw, forward) -> dict:
    """Run `forward` on the PyTorch W4A16 network and on the engine; compare jobs, layer
    outputs and outputs bit for bit."""
    from fpxint_sim.engine.w4a16_run import w4a16_engine_attached

    start = time.perf_counter()
    reference_layers: dict[str, deque] = defaultdict(deque)
    handles = _record_layer_outputs(em, lambda n, y: reference_layers[n].append(y))
    checker = W4A16JobChecker()

    def engine_layer(name, got):
        queue = reference_layers[name]
        want = queue.popleft() if queue else torch.empty(0)
        checker.layer_output(name, got, want)

    try:
        with torch.no_grad():
            reference = forward(em.module)
            for h in handles:
                h.remove()
            handles = _record_layer_outputs(em, engine_layer)
            engine_start = time.perf_counter()
            with w4a16_engine_attached(em, hw, observer=checker) as backend:
                output = forward(em.module)
            engine_seconds = time.perf_counter() - engine_start
    finally:
        for h in handles:
            h.remove()
    equal = bitwise_equal(output, reference)
    diff = (output.to(torch.float64) - reference.to(torch.float64)).abs() \
        if output.shape == reference.shape else torch.tensor([float("inf")])
    layers = []
    for name, counters in backend.counters.items():
        lc = checker.layers[name]
        layers.append({**counters.to_dict(), "jobs_checked": lc.jobs,
                       "accumulators_checked": lc.accumulators,
                       "mismatched_accumulators": lc.mismatched_accumulators,
                       "outputs_checked": lc.outputs,
                       "mismatched_outputs": lc.mismatched_outputs})
    jobs = sum(c.jobs for c in checker.layers.values())
    bad_acc = sum(c.mismatched_accumulators for c in checker.layers.values())
    bad_out = sum(c.mismatched_outputs for c in checker.layers.values())
    spec = hw.w4a16
    return {"ok": jobs > 0 and bad_acc == 0 and bad_out == 0 and equal,
            "hw": hw.name, "hw_path": hw.source_path,
            "arithmetic": {"activation_format": spec.activation_format,
                           "w4a16_mac": spec.w4a16_mac,
                           "accumulator_format": spec.accumulator_format,
                           "accumulation_order": spec.accumulation_order,
                           "array_rows": hw.array.array_rows},
            "jobs_checked": jobs, "mismatched_accumulators": bad_acc,
            "mismatched_layer_outputs": bad_out, "outputs_bit_identical": equal,
            "output_max_abs_diff": float(diff.max()) if diff.numel() else 0.0,
            "macs": sum(c.macs for c in backend.counters.values()),
            "first_mismatches": checker.mismatches, "layers": layers,
            "engine_seconds": engine_seconds, "seconds": time.perf_counter() - start}


def check_w4a16_request(w_bits: int, hw) -> None:
    """W4A16 (a_bits 16, integer weights) needs INT4 weight terms and a w4a16 section."""
    if hw.w4a16 is None:
        raise InputError(f"{hw.source_path or hw.name}: no w4a16 section: --a-bits 16 with "
                         "integer weights verifies W4A16 (INT4 weight terms x fp16/bf16 "
                         "activations), whose arithmetic the description must declare "
                         "(docs/w4a16.md)")
    if w_bits != 4:
        raise InputError(f"--a-bits 16 verifies W4A16: weights are INT4 terms, use --w-bits 4 "
                         f"(got {w_bits})")


def verify_w4a16_source(source, cfg, hw, allow_float: frozenset = frozenset()) -> dict:
    """verify_w4a16_expanded on a model source, captured and W4A16-expanded here."""
    from fpxint_sim.capture import uncovered_integer_ops
    from fpxint_sim.capture.op_kinds import INTEGER
    from fpxint_sim.expand.w4a16 import expand_model_w4a16
    from fpxint_sim.models.prepare import capture_source
    from fpxint_sim.verify.source_check import check_allowed_names

    check_w4a16_request(cfg.w_bits, hw)
    captured = capture_source(source)
    check_allowed_names(captured, allow_float, source.name)
    em = expand_model_w4a16(captured.module, cfg.w_terms, hw.w4a16, hw.array.array_rows,
                            cfg.scale_policy)
    em.graph = captured
    if not em.layers:
        raise InputError(f"--model {source.name}: no linear or matmul op to run as W4A16")
    result = verify_w4a16_expanded(em, hw, source.forward)
    # GEMM/conv ops that are not W4A16 layers (convs, unhandled matmuls) stayed float
    left = uncovered_integer_ops(captured, set(allow_float)) + [
        op for op in captured.ops if op.kind == INTEGER and op.name not in em.layers
        and op.name not in allow_float]
    result["nothing_ran"] = result["jobs_checked"] == 0
    result["integer_ops_left_float"] = [{**op.to_dict(), "reason": op.reason or
                                         "W4A16 runs Linear and matmul ops only"}
                                        for op in left]
    result["ok"] = result["ok"] and not result["nothing_ran"] and not left
    return {"model": source.name, "description": source.description, "weights": source.weights,
            "config": em.label(), "input": source.input_description,
            "float_layers": [list(f) for f in em.float_layers], **result}
