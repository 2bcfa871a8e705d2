"""ONNX layout, indexing and constant ops as torch calls (see onnx_ops.py for the handler form).

Shape arguments (Reshape's shape, Slice's starts, Unsqueeze's axes, ...) arrive as Python
values: the reader folds every constant sub-graph (Shape -> Gather -> Concat -> Reshape) at
conversion, with the input shapes fixed, so the torch graph has no shape arithmetic left.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from fpxint_sim.models.onnx_ops import OnnxOpError

INT64_MAX = 2**63 - 1


def _as_list(v) -> list:
    return [v] if isinstance(v, (int, float)) else list(v)


def flatten(ins, a):
    x = ins[0]
    axis = int(a.get("axis", 1))
    axis = axis + x.dim() if axis < 0 else axis
    if axis == 1 and x.dim() >= 2:
        return torch.flatten(x, 1)
    return x.reshape(math.prod(x.shape[:axis]), math.prod(x.shape[axis:]))


def reshape(ins, a):
    x, shape = ins[0], _as_list(ins[1])
    if not a.get("allowzero", 0):  # 0 copies the input's size in that position
        shape = [int(x.shape[i]) if s == 0 else int(s) for i, s in enumerate(shape)]
    return x.reshape(shape)


def transpose(ins, a):
    x = ins[0]
    return x.permute(list(a.get("perm", range(x.dim() - 1, -1, -1))))


def concat(ins, a):
    return torch.cat([t for t in ins if t is not None], int(a["axis"]))


def split(ins, a):
    x = ins[0]
    axis = int(a.get("axis", 0))
    sizes = a.get("split", ins[1] if len(ins) > 1 else None)
    if sizes is None:  # equal parts; opset 18's num_outputs leaves the last one smaller
        parts = int(a.get("num_outputs", a["_outputs"]))
        step = -(-int(x.shape[axis]) // parts)
        sizes = [min(step, int(x.shape[axis]) - k * step) for k in range(parts)]
    return tuple(torch.split(x, [int(s) for s in _as_list(sizes)], axis))


def slice_(ins, a):
    x = ins[0]
    if "starts" in a:  # before opset 10: attributes
        starts, ends, axes, steps = a["starts"], a["ends"], a.get("axes"), None
    else:
        starts, ends = _as_list(ins[1]), _as_list(ins[2])
        axes = _as_list(ins[3]) if len(ins) > 3 and ins[3] is not None else None
        steps = _as_list(ins[4]) if len(ins) > 4 and ins[4] is not None else None
    axes = list(range(len(starts))) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * x.dim()
    for start, end, axis, step in zip(starts, ends, axes, steps):
        if step <= 0:
            raise OnnxOpError(f"step {step} (positive steps are read)")
        axis = int(axis) % x.dim()
        size = int(x.shape[axis])
        start = min(max(start + size if start < 0 else start, 0), size)
        end = min(max(end + size if end < 0 else end, 0), size)
        index[axis] = slice(start, end, int(step))
    return x[tuple(index)]


def gather(ins, a):
    """Gather on axis: an embedding lookup (F.embedding, as nn.Embedding calls it) when the
    data is a 2-D constant table and the indices come at run time; select / index_select
    otherwise."""
    data, idx = ins[0], ins[1]
    axis = int(a.get("axis", 0)) % data.dim()
    size = int(data.shape[axis])
    if not isinstance(idx, torch.Tensor):  # constant indices, as Python values
        if isinstance(idx, int):
            return data.select(axis, idx + size if idx < 0 else idx)
        flat = torch.tensor(idx, dtype=torch.int64)
        shape = tuple(flat.shape)
        flat = flat.flatten()
        flat = torch.where(flat < 0, flat + size, flat)
    else:
        if axis == 0 and data.dim() == 2 and a["_const"][0] and data.dtype.is_floating_point:
            return F.embedding(idx, data)
        shape = tuple(idx.shape)
        flat = idx.flatten()
        flat = torch.where(flat < 0, flat + size, flat)
    out = data.index_select(axis, flat)
    return out.reshape(*data.shape[:axis], *shape, *data.shape[axis + 1:])


def unsqueeze(ins, a):
    x = ins[0]
    axes = _as_list(a.get("axes", ins[1] if len(ins) > 1 else []))
    rank = x.dim() + len(axes)
    for axis in sorted(int(d) % rank for d in axes):
        x = x.unsqueeze(axis)
    return x


def squeeze(ins, a):
    x = ins[0]
    axes = a.get("axes", ins[1] if len(ins) > 1 else None)
    if axes is None:
        axes = [i for i, s in enumerate(x.shape) if s == 1]
    dims = sorted({int(d) % x.dim() for d in _as_list(axes)})
    if any(x.shape[d] != 1 for d in dims):
        raise OnnxOpError(f"squeezing axes {dims} of shape {tuple(x.shape)}")
    return x.squeeze(dims) if dims else x


def shape(ins, a):
    dims = list(ins[0].shape)
    start, end = int(a.get("start", 0)), a.get("end")
    return torch.tensor(dims[start:None if end is None else int(end)], dtype=torch.int64)


def constant(ins, a):
    if "value" in a:
        return a["value"]
    for key, dtype in (("value_float", torch.float32), ("value_floats", torch.float32),
                       ("value_int", torch.int64), ("value_ints", torch.int64)):
        if key in a:
            return torch.tensor(a[key], dtype=dtype)
    raise OnnxOpError("a Constant without a numeric value")


def constant_of_shape(ins, a):
    value = a.get("value")  # a one-element tensor; float32 zeros without it
    fill = value.flatten()[0].item() if value is not None else 0.0
    dtype = value.dtype if value is not None else torch.float32
    return torch.full([int(s) for s in _as_list(ins[0])], fill, dtype=dtype)


def cast(ins, a):
    from fpxint_sim.models.onnx_types import torch_dtype

    return ins[0].to(torch_dtype(int(a["to"])))


def dropout(ins, a):
    if len(ins) > 2 and ins[2]:
        raise OnnxOpError("training_mode=True")
    return ins[0]


TENSOR_OPS = {
    "Flatten": flatten, "Reshape": reshape, "Transpose": transpose, "Concat": concat,
    "Split": split, "Slice": slice_, "Gather": gather, "Unsqueeze": unsqueeze,
    "Squeeze": squeeze, "Shape": shape, "Constant": constant,
    "ConstantOfShape": constant_of_shape, "Cast": cast,
    "Identity": lambda ins, a: ins[0], "Dropout": dropout,
}
