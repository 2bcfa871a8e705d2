"""`fpxint_sim.emulate`: one call from a PyTorch model to its emulated integer run.

    import torch, fpxint_sim
    run = fpxint_sim.emulate(model, torch.randn(1, 3, 32, 32),
                             hw="hw_configs/tpu_like_int8_ws_32x32.yaml")
    run.outputs          # the expanded model's outputs, computed by the bit-exact engine
    run.report           # the report document, the same as `fpxint-sim run`'s report.json
    run.verify().ok      # every job's accumulators against PyTorch integer references
    run.layers_table()   # one flat dict per layer: pandas.DataFrame(run.layers_table())
    run.vector_table()   # one flat dict per float op between the layers (ReLU, softmax, ...)

`model` is an nn.Module with `inputs` (a tensor or a tuple of tensors), or a model spec as
`--model` takes it (bundled name, FILE.py:FUNCTION, .pt2, .onnx) with `inputs` None (its example
inputs) or an `--input` spec string. `expansion` is an ExpansionConfig, a dict of its fields,
or None for the defaults of every command (fpxint_sim/expansion_defaults.py).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from fpxint_sim.errors import InputError


@dataclass(frozen=True)
class VerifyResult:
    """ok: every accumulator and the outputs bit-identical, and at least one job checked."""

    ok: bool
    mismatches: int
    jobs: int
    details: dict  # the whole `fpxint-sim verify --json` document


def _flat(prefix: str, value, out: dict) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flat(f"{prefix}.{k}" if prefix else k, v, out)
    elif isinstance(value, (list, tuple)):
        out[prefix] = json.dumps(value)  # a cell, not a nested table
    else:
        out[prefix] = value


@dataclass
class Emulation:
    """The result of `emulate`: outputs, report document, and the run to verify."""

    outputs: object
    report: dict
    source: object
    config: object
    hw: object
    work: object

    def verify(self) -> VerifyResult:
        """Run the model again through the engine, checking every job bit for bit."""
        from fpxint_sim.verify.source_check import verify_source

        r = verify_source(self.source, self.config, self.hw, self.work.expanded)
        return VerifyResult(r["ok"], r["mismatched_outputs"], r["jobs_checked"], r)

    def layers_table(self) -> list[dict]:
        """One flat dict per layer call (nested keys joined by '.', lists as JSON text; the
        per-job rows are in jobs_table())."""
        rows = []
        for layer in self.report["layers"]:
            row: dict = {}
            _flat("", {k: v for k, v in layer.items() if k != "per_job"}, row)
            rows.append(row)
        return rows

    def vector_table(self) -> list[dict]:
        """One flat dict per vector-unit op or copy between the layers (report `vector_rows`)."""
        rows = []
        for entry in self.report.get("vector_rows", []):
            row: dict = {}
            _flat("", entry, row)
            rows.append(row)
        return rows

    def jobs_table(self) -> list[dict]:
        """One flat dict per integer job: its layer, (i, j) and its costs."""
        rows = []
        for layer in self.report["layers"]:
            for job in layer.get("per_job", []):
                row = {"layer": layer["name"]}
                _flat("", job, row)
                rows.append(row)
        return rows


def _config(expansion, per_token: bool):
    from fpxint_sim.expand import ExpansionConfig

    if expansion is None:
        return ExpansionConfig(per_token=per_token)
    if isinstance(expansion, ExpansionConfig):
        return expansion
    if isinstance(expansion, dict):
        fields = {f.name for f in dataclasses.fields(ExpansionConfig)}
        unknown = sorted(set(expansion) - fields)
        if unknown:
            raise InputError(f"expansion: unknown setting(s) {', '.join(unknown)}; the fields "
                             f"are {', '.join(sorted(fields))}")
        return ExpansionConfig(**{"per_token": per_token, **expansion})
    raise InputError(f"expansion must be None, an ExpansionConfig or a dict, got "
                     f"{type(expansion).__name__}")


def _accelerator(hw):
    from fpxint_sim.hw import default_hw_config_path, load_accelerator
    from fpxint_sim.hw.schema import Accelerator

    if isinstance(hw, Accelerator):
        return hw, hw.source_path or hw.name
    path = str(default_hw_config_path() if hw is None else Path(hw))
    return load_accelerator(path), path


def emulate(model, inputs=None, hw=None, expansion=None) -> Emulation:
    """Expand `model`, run it bit-exactly on the accelerator `hw` (a description file, an
    Accelerator, or None for the default) and cost every job (see the module doc)."""
    from fpxint_sim.models.source import resolve_model, source_from_module
    from fpxint_sim.report.files import report_json_text
    from fpxint_sim.workload.model_report import model_document

    if isinstance(model, str):
        if inputs is not None and not isinstance(inputs, str):
            raise InputError("with a model spec string, inputs must be None or an --input "
                             "spec string")
        source = resolve_model(model, inputs)
    else:
        source = source_from_module(model, inputs)
    cfg = _config(expansion, source.per_token)
    accelerator, hw_file = _accelerator(hw)
    command = (f"fpxint_sim.emulate({source.name}, inputs {source.input_description}, "
               f"hw={hw_file}, expansion={cfg.label()})")
    document, work = model_document(source, cfg, accelerator, hw_file, command)
    report = json.loads(report_json_text(document))  # exactly what report.json holds
    return Emulation(work.outputs, report, source, cfg, accelerator, work)
