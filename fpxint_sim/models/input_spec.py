"""`--input`: the inputs a model runs on, as shapes or as a file.

    1x3x224x224          one float32 tensor of seeded N(0, 1) values
    ids:1x64             one int64 tensor of seeded token ids in 0..V-1, V = num_embeddings of
                         the model's first nn.Embedding (or the bundled model's vocabulary)
    ids:1x64,1x64x256    several positional inputs, joined by ','
    inputs.pt            a tensor, or a tuple/list of tensors, saved with torch.save
    inputs.npy           one array (float64 is read as float32, the models' dtype)

Sizes are bounded before anything is allocated: at most MAX_ELEMENTS values in all, at most
MAX_DIMS dimensions per tensor.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

from fpxint_sim.errors import InputError

INPUT_SEED = 0
MAX_ELEMENTS = 1 << 26  # 64 Mi values (256 MiB of float32) across all inputs
MAX_DIMS = 8


def _shape(text: str, spec: str) -> tuple[int, ...]:
    parts = text.split("x")
    if not text or len(parts) > MAX_DIMS or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise InputError(f"--input {spec}: {text!r} is not a shape like 1x3x224x224 (positive "
                         f"integers joined by 'x', at most {MAX_DIMS} dimensions)")
    return tuple(int(p) for p in parts)


def _vocabulary(module: nn.Module, vocab: int | None, spec: str) -> int:
    if vocab is not None:
        return vocab
    for m in module.modules():
        if isinstance(m, nn.Embedding):
            return m.num_embeddings
    raise InputError(f"--input {spec}: 'ids:' needs a model with an nn.Embedding (its "
                     "vocabulary bounds the ids); give a .pt file of ids instead")


def shapes_to_inputs(spec: str, module: nn.Module, vocab: int | None = None) -> tuple:
    """Seeded inputs of the shapes in `spec` (see the module doc)."""
    items = []
    for item in spec.split(","):
        is_ids = item.startswith("ids:")
        items.append((is_ids, _shape(item[4:] if is_ids else item, spec)))
    total = sum(math.prod(shape) for _, shape in items)
    if total > MAX_ELEMENTS:
        raise InputError(f"--input {spec}: {total:,} values in all, more than the "
                         f"{MAX_ELEMENTS:,} allowed")
    g = torch.Generator().manual_seed(INPUT_SEED)
    out = []
    for is_ids, shape in items:
        if is_ids:
            out.append(torch.randint(0, _vocabulary(module, vocab, spec), shape, generator=g))
        else:
            out.append(torch.randn(shape, generator=g))
    return tuple(out)


def _checked(values, path: str) -> tuple:
    if isinstance(values, torch.Tensor):
        values = (values,)
    if not isinstance(values, (tuple, list)) or not values or not all(
            isinstance(v, torch.Tensor) for v in values):
        raise InputError(f"--input {path}: expected a tensor or a tuple/list of tensors, got "
                         f"{type(values).__name__}")
    total = sum(v.numel() for v in values)
    if total > MAX_ELEMENTS:
        raise InputError(f"--input {path}: {total:,} values, more than the {MAX_ELEMENTS:,} "
                         "allowed")
    return tuple(v.float() if v.dtype == torch.float64 else v for v in values)


def file_to_inputs(path: str) -> tuple:
    """The tensors stored in a .pt (weights_only load) or .npy (no pickles) file."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"--input {path}: file not found")
    try:
        if p.suffix == ".npy":
            with p.open("rb") as f:
                fmt = np.lib.format
                read = (fmt.read_array_header_1_0 if fmt.read_magic(f) == (1, 0)
                        else fmt.read_array_header_2_0)
                shape = read(f)[0]
            if math.prod(shape) > MAX_ELEMENTS:
                raise InputError(f"--input {path}: {math.prod(shape):,} values, more than the "
                                 f"{MAX_ELEMENTS:,} allowed")
            return _checked(torch.from_numpy(np.load(p, allow_pickle=False)), path)
        return _checked(torch.load(p, map_location="cpu", weights_only=True), path)
    except InputError:
        raise
    except Exception as e:  # a corrupt or foreign file: name it, no traceback
        raise InputError(f"--input {path}: cannot read it ({type(e).__name__}: "
                         f"{str(e).splitlines()[0] if str(e) else ''})") from None


def parse_inputs(spec: str, module: nn.Module, vocab: int | None = None) -> tuple:
    """--input SPEC -> a tuple of tensors (a file if it ends in .pt/.pth/.npy, else shapes)."""
    if spec.endswith((".pt", ".pth", ".npy")):
        return file_to_inputs(spec)
    return shapes_to_inputs(spec, module, vocab)


def describe_inputs(inputs: tuple) -> str:
    """'1x3x224x224 float32, 1x64 int64'."""
    return ", ".join("x".join(map(str, t.shape)) + f" {str(t.dtype).removeprefix('torch.')}"
                     for t in inputs)
