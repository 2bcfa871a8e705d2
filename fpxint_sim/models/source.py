"""`--model` and `--input` resolved once, for every command and for `fpxint_sim.emulate`.

A model source is a bundled name (digits_cnn, minilm and the reference architectures),
`FILE.py:FUNCTION` (the function returns (module, example_inputs)), a torch.export `.pt2`
file or an `.onnx` file (models/onnx_source.py). TorchScript and torch.save files are refused
with the formats that work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from fpxint_sim.errors import InputError
from fpxint_sim.models import file_sources, onnx_source
from fpxint_sim.models.input_spec import describe_inputs, parse_inputs
from fpxint_sim.models.outputs import primary_output
from fpxint_sim.models.reference import REFERENCE_MODELS, SEED, reference_module
from fpxint_sim.models.reference.random_init import RANDOM_WEIGHTS
from fpxint_sim.models.registry import MODEL_NAMES, load_model

BUNDLED = (*MODEL_NAMES, *REFERENCE_MODELS)
TRAINED = "trained weights (shipped)"


@dataclass
class ModelSource:
    """A float model, the inputs it runs on, and how its outputs are judged.

    labels: digits_cnn's test labels (labelled accuracy); sentences: minilm's sentences
    (embedding metrics); otherwise outputs are compared with the float model's.
    per_token: one activation scale per token row for Linear layers on (B, T, C) inputs.
    """

    name: str
    kind: str  # "bundled", "python", "pt2" or "onnx"
    module: nn.Module
    inputs: tuple
    description: str
    weights: str
    per_token: bool = True
    labels: torch.Tensor | None = None
    sentences: list | None = None
    encoder: object | None = None
    _reference: torch.Tensor | None = field(default=None, repr=False)

    @property
    def samples(self) -> int:
        if self.labels is not None:
            return len(self.labels)
        if self.sentences is not None:
            return len(self.sentences)
        return int(self.inputs[0].shape[0]) if self.inputs[0].dim() else 1

    @property
    def input_description(self) -> str:
        if self.labels is not None:
            return f"first {self.samples} test images"
        if self.sentences is not None:
            return f"first {self.samples} default sentences, one batch"
        return describe_inputs(self.inputs)

    def forward(self, module: nn.Module) -> torch.Tensor:
        """The output tensor of `module` (this model or an expanded copy) on the inputs."""
        with torch.no_grad():
            if self.encoder is not None:
                return self.encoder.encode_with(module, self.sentences,
                                                batch_size=len(self.sentences))
            return primary_output(module(*self.inputs), self.name)

    def reference(self) -> torch.Tensor:
        """The float model's output (computed once); a model that fails on its inputs is an
        InputError naming both."""
        if self._reference is None:
            try:
                self._reference = self.forward(self.module)
            except InputError:
                raise
            except Exception as e:
                msg = str(e).strip().splitlines()
                raise InputError(f"--model {self.name}: the float model fails on inputs "
                                 f"{self.input_description} ({type(e).__name__}: "
                                 f"{msg[0] if msg else ''})") from None
        return self._reference

    def to_dict(self) -> dict:
        return {"name": self.name, "origin": self.kind, "description": self.description,
                "weights": self.weights, "input": self.input_description,
                "samples": self.samples}


def _samples(n, limit: int, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= limit:
        raise InputError(f"--samples must be 1..{limit} for {name}, got {n!r}")
    return n


def _digits(samples: int | None) -> ModelSource:
    from fpxint_sim.models.digits_data import load_digits_test

    loaded = load_model("digits_cnn")
    x, y = load_digits_test()
    n = len(y) if samples is None else _samples(samples, len(y), "digits_cnn")
    return ModelSource("digits_cnn", "bundled", loaded.module, (x[:n],), loaded.description,
                       TRAINED, per_token=False, labels=y[:n])


def _minilm(samples: int | None) -> ModelSource:
    from fpxint_sim.models.sentences import default_sentences

    loaded = load_model("minilm")
    pool = default_sentences()
    n = 64 if samples is None else _samples(samples, len(pool), "minilm")
    sentences = pool[:n]
    features = loaded.encoder.tokenizer(sentences, padding=True, truncation=True,
                                        max_length=128, return_tensors="pt")
    return ModelSource("minilm", "bundled", loaded.module,
                       (features["input_ids"], features["attention_mask"]),
                       loaded.description, TRAINED, sentences=sentences, encoder=loaded.encoder)


def _reference(name: str, input_spec: str | None) -> ModelSource:
    ref = reference_module(name)
    module = ref.build(SEED)
    inputs = (parse_inputs(input_spec, module) if input_spec
              else ref.example_inputs(torch.Generator().manual_seed(SEED)))
    weights = f"{RANDOM_WEIGHTS} (seed {SEED})"
    return ModelSource(name, "bundled", module, inputs, f"{ref.DESCRIPTION}, {weights}",
                       weights)


def resolve_model(spec: str, input_spec: str | None = None, samples: int | None = None,
                  default_samples: dict | None = None) -> ModelSource:
    """The model source `spec` (see the module doc) on `input_spec` (fpxint_sim/models/
    input_spec.py) or its own example inputs. `samples` (digits_cnn, minilm) takes the first
    N test images / sentences; default_samples gives the command's default per model."""
    if spec in MODEL_NAMES:
        if input_spec:
            raise InputError(f"--input does not apply to {spec}: it runs on its own test data "
                             "(choose how much with --samples)")
        if samples is None and default_samples:
            samples = default_samples.get(spec)
        return _digits(samples) if spec == "digits_cnn" else _minilm(samples)
    if samples is not None:
        raise InputError(f"--samples applies to {' and '.join(MODEL_NAMES)} only; give the "
                         f"batch of {spec} with --input")
    if spec in REFERENCE_MODELS:
        return _reference(spec, input_spec)
    if ".py:" in spec:
        module, inputs = file_sources.load_python_function(spec)
        kind, weights = "python", "as built by the function"
    else:
        path = Path(spec)
        if not path.is_file():
            raise InputError(f"unknown model {spec!r}: choose one of {', '.join(BUNDLED)}, or "
                             "give FILE.py:FUNCTION, a .pt2 or an .onnx file")
        if spec.endswith(".onnx"):  # the graph is built for the input shapes: --input used here
            module, inputs = onnx_source.load_onnx(path, input_spec)
            kind, weights, input_spec = "onnx", "as stored in the file", None
        elif spec.endswith(".pt2"):
            module, inputs = file_sources.load_exported_program(path)
            kind, weights = "pt2", "as saved in the program"
        elif file_sources.is_torchscript(path):
            file_sources.refuse_torchscript(path)
        elif spec.endswith((".pt", ".pth")):
            file_sources.refuse_pickle(path)
        else:
            raise InputError(f"--model {spec}: unknown file type; use "
                             f"{file_sources.WORKING_FORMATS}")
    if input_spec:
        inputs = parse_inputs(input_spec, module)
    if inputs is None:
        raise InputError(f"--model {spec}: no example inputs saved with it; give --input")
    return ModelSource(spec, kind, module.eval(), inputs,
                       f"{type(module).__name__} from {spec}", weights)


def source_from_module(module: nn.Module, inputs, name: str | None = None) -> ModelSource:
    """A ModelSource of a module and its inputs given in Python (fpxint_sim.emulate)."""
    if not isinstance(module, nn.Module):
        raise InputError(f"model must be a torch.nn.Module or a model spec string, got "
                         f"{type(module).__name__}")
    if isinstance(inputs, torch.Tensor):
        inputs = (inputs,)
    if not isinstance(inputs, (tuple, list)) or not inputs or not all(
            isinstance(t, torch.Tensor) for t in inputs):
        raise InputError("inputs must be a tensor or a non-empty tuple of tensors, got "
                         f"{type(inputs).__name__}")
    name = name or type(module).__name__
    return ModelSource(name, "python", module.eval(), tuple(inputs),
                       f"{type(module).__name__} given in Python", "as given")
