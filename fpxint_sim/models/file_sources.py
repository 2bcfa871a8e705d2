"""Models given as files: `FILE.py:FUNCTION`, a torch.export `.pt2`, and the formats refused
with a reason (TorchScript, pickled modules and state dicts). `.onnx`: models/onnx_source.py.

Each loader returns (module, example inputs or None); any problem is one InputError naming
the file and, for Python files, the function.
"""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path

import torch
from torch import nn

from fpxint_sim.errors import InputError

WORKING_FORMATS = ("FILE.py:FUNCTION, a torch.export .pt2 file (torch.export.save), an .onnx "
                   "file or a bundled name")


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


def _module_and_inputs(value, where: str) -> tuple[nn.Module, tuple]:
    """Check a (module, example_inputs) return value."""
    if not (isinstance(value, tuple) and len(value) == 2):
        raise InputError(f"{where} must return (module, example_inputs), got "
                         f"{type(value).__name__}")
    module, inputs = value
    if not isinstance(module, nn.Module):
        raise InputError(f"{where} returned {type(module).__name__} as the module, not a "
                         "torch.nn.Module")
    if isinstance(inputs, torch.Tensor):
        inputs = (inputs,)
    if not isinstance(inputs, (tuple, list)) or not inputs or not all(
            isinstance(t, torch.Tensor) for t in inputs):
        raise InputError(f"{where} must return a tensor or a tuple of tensors as example "
                         f"inputs, got {type(inputs).__name__}")
    return module, tuple(inputs)


def load_python_function(spec: str) -> tuple[nn.Module, tuple]:
    """`path/to/file.py:FUNCTION`: import the file by path, call FUNCTION()."""
    path_text, _, func = spec.rpartition(":")
    path = Path(path_text)
    if not func.isidentifier():
        raise InputError(f"--model {spec}: {func!r} is not a function name (FILE.py:FUNCTION)")
    if not path.is_file():
        raise InputError(f"--model {spec}: file {path_text} not found")
    name = f"fpxint_sim_user_model_{abs(hash(str(path.resolve())))}"
    loader_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    try:
        loader_spec.loader.exec_module(module)
    except Exception as e:
        sys.modules.pop(name, None)
        raise InputError(f"--model {spec}: importing {path_text} failed ({_one_line(e)})") \
            from None
    fn = getattr(module, func, None)
    if not callable(fn):
        raise InputError(f"--model {spec}: {path_text} has no function {func!r}")
    try:
        value = fn()
    except Exception as e:
        raise InputError(f"--model {spec}: {func}() failed ({_one_line(e)})") from None
    return _module_and_inputs(value, f"--model {spec}: {func}()")


def _zip_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as z:
            return z.namelist()
    except zipfile.BadZipFile:
        return []


def is_torchscript(path: Path) -> bool:
    """A TorchScript archive: a zip holding compiled code (`<root>/code/...`)."""
    return any(n.split("/")[1:2] == ["code"] for n in _zip_names(path))


class ExportedModule(nn.Module):
    """ep.module() of a torch.export program as an ordinary module.

    The program is already in inference form and refuses .train()/.eval(), which the expander
    and the commands call: here they are no-ops. Its Linear/Conv calls are graph nodes, not
    nn.Linear/nn.Conv2d modules: expansion sees them once graph capture rewrites them
    (fpxint_sim.models.prepare.prepare_for_expansion is the seam).
    """

    def __init__(self, program: nn.Module):
        super().__init__()
        self.program = program

    def train(self, mode: bool = True) -> ExportedModule:
        return self

    def forward(self, *args):
        return self.program(*args)


def load_exported_program(path: Path) -> tuple[nn.Module, tuple | None]:
    """A torch.export program (as an ExportedModule) and the example inputs saved with it."""
    if is_torchscript(path):
        refuse_torchscript(path)
    try:
        ep = torch.export.load(str(path))
    except Exception as e:
        raise InputError(f"--model {path}: not a torch.export program ({_one_line(e)})") \
            from None
    args, kwargs = getattr(ep, "example_inputs", None) or ((), {})
    inputs = tuple(args) if args and not kwargs and all(
        isinstance(t, torch.Tensor) for t in args) else None
    return ExportedModule(ep.module()), inputs


def refuse_torchscript(path: Path) -> None:
    raise InputError(f"--model {path}: a TorchScript archive is not supported (its graph "
                     f"cannot be rewritten); use {WORKING_FORMATS}")


def refuse_pickle(path: Path) -> None:
    kind = "a TorchScript archive" if is_torchscript(path) else "a torch.save file"
    raise InputError(f"--model {path}: {kind} is not a model source (a state dict has no "
                     f"architecture; a pickled module would run arbitrary code); use "
                     f"{WORKING_FORMATS}")
