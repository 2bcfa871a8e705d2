"""`verify`: every job's accumulators against PyTorch integer references of the declared
arithmetic, and the outputs against the PyTorch expanded network (docs/engine.md, "What verify
compares"). At least one job must be checked for a pass."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch

from fpxint_sim.engine import run_on_accelerator
from fpxint_sim.verify.job_reference import corrected_reference, raw_reference

MAX_LISTED = 10  # mismatches listed in the result


@dataclass
class LayerCheck:
    jobs: int = 0
    outputs: int = 0
    mismatched_outputs: int = 0


@dataclass
class JobChecker:
    """Engine observer: checks each job as it runs, keeps counts and the first mismatches."""

    layers: dict[str, LayerCheck] = field(default_factory=dict)
    mismatches: list[dict] = field(default_factory=list)

    def __call__(self, rec) -> None:
        lc = self.layers.setdefault(rec.layer, LayerCheck())
        lc.jobs += 1
        lc.outputs += rec.result.raw.size
        raw = raw_reference(rec)
        checks = [("accumulator", rec.result.raw, raw)]
        if rec.has_zero_points:
            checks.append(("corrected", rec.result.acc, corrected_reference(rec, raw)))
        bad_any = np.zeros(rec.result.raw.shape, dtype=bool)
        for what, got, want in checks:
            want = want.numpy()
            bad = got != want
            bad_any |= bad
            for idx in np.argwhere(bad)[: max(0, MAX_LISTED - len(self.mismatches))]:
                t = tuple(int(v) for v in idx)
                self.mismatches.append({"layer": rec.layer, "job": [rec.i, rec.j],
                                        "what": what, "index": list(t),
                                        "engine": int(got[t]), "reference": int(want[t])})
        lc.mismatched_outputs += int(bad_any.sum())

    @property
    def mismatched_outputs(self) -> int:
        return sum(c.mismatched_outputs for c in self.layers.values())


def verify_expanded(em, hw, forward) -> dict:
    """Run `forward` on the PyTorch expanded network and on the engine; compare everything."""
    start = time.perf_counter()
    with torch.no_grad():
        reference = forward(em.module)
    checker = JobChecker()
    run = run_on_accelerator(em, hw, forward, observer=checker)
    diff = (run.output.to(torch.float64) - reference.to(torch.float64)).abs()
    max_abs = float(diff.max()) if diff.numel() else 0.0
    outputs_equal = bool(torch.equal(run.output, reference))
    layers = []
    for name, counters in run.layers.items():
        lc = checker.layers.get(name, LayerCheck())
        layers.append({**counters.to_dict(), "jobs_checked": lc.jobs,
                       "outputs_checked": lc.outputs,
                       "mismatched_outputs": lc.mismatched_outputs})
    jobs = sum(c.jobs for c in checker.layers.values())
    # Nothing compared is not a pass: with no integer job (both operands float) there is
    # nothing of the accelerator to verify.
    ok = jobs > 0 and checker.mismatched_outputs == 0 and outputs_equal
    return {"ok": ok, "hw": hw.name, "hw_path": hw.source_path,
            "accumulator": {"bits": hw.arithmetic.accumulator_bits,
                            "overflow": hw.arithmetic.accumulator_overflow,
                            "pair_saturate_int16": hw.arithmetic.pair_saturate_int16},
            "jobs_checked": jobs,
            "mismatched_outputs": checker.mismatched_outputs,
            "overflow_events": run.overflow, "pair_saturated_events": run.pair_saturated,
            "macs": run.macs, "output_max_abs_diff": max_abs,
            "outputs_bit_identical": outputs_equal, "first_mismatches": checker.mismatches,
            "layers": layers, "engine_seconds": run.seconds,
            "seconds": time.perf_counter() - start}
