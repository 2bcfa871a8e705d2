"""ONNX compute ops as the torch calls a PyTorch model makes for them.

Each handler takes the node's inputs (tensors; None for an absent optional input; a Python
value for an input the op table marks static) and its attributes, and returns a tensor or a
tuple of tensors. The calls are the ones torch modules make (F.conv2d, F.linear, F.batch_norm,
F.layer_norm, ...), so graph capture sees the same ops as for the module the file came from.
`a["_const"]` tells which inputs are constants of the file (a weight, not an activation).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


class OnnxOpError(ValueError):
    """A node this reader cannot express in torch (the reason, without the node's name)."""


_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_GLOBAL_AVG = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}


def _spatial(n: int) -> None:
    if n not in (1, 2, 3):
        raise OnnxOpError(f"{n} spatial dimensions (1, 2 or 3 are read)")


def explicit_pads(a: dict, size, kernel, strides, dilations) -> tuple[list[int], list[int]]:
    """(begin, end) padding per spatial dim from `pads` or `auto_pad` (ONNX's SAME rule:
    output ceil(in / stride); SAME_UPPER puts the odd element at the end)."""
    n = len(kernel)
    auto = a.get("auto_pad", "NOTSET")
    if auto in ("NOTSET", ""):
        pads = list(a.get("pads", [0] * (2 * n)))
        return pads[:n], pads[n:]
    if auto == "VALID":
        return [0] * n, [0] * n
    if auto not in ("SAME_UPPER", "SAME_LOWER"):
        raise OnnxOpError(f"auto_pad {auto!r}")
    begin, end = [], []
    for i in range(n):
        out = -(-int(size[i]) // strides[i])
        total = max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1
                    - int(size[i]))
        small, large = total // 2, total - total // 2
        begin.append(small if auto == "SAME_UPPER" else large)
        end.append(large if auto == "SAME_UPPER" else small)
    return begin, end


def _torch_pad(begin, end) -> list[int]:
    """F.pad's order: last dim first, (begin, end) each."""
    out: list[int] = []
    for b, e in zip(reversed(begin), reversed(end)):
        out += [b, e]
    return out


def conv(ins, a):
    x, w = ins[0], ins[1]
    b = ins[2] if len(ins) > 2 else None
    n = w.dim() - 2
    _spatial(n)
    strides = list(a.get("strides", [1] * n))
    dilations = list(a.get("dilations", [1] * n))
    begin, end = explicit_pads(a, x.shape[2:], list(w.shape[2:]), strides, dilations)
    if begin != end:  # asymmetric: pad first, as torch's padding='same' does
        x = F.pad(x, _torch_pad(begin, end))
        begin = [0] * n
    return _CONV[n](x, w, b, strides, begin, dilations, int(a.get("group", 1)))


def _pool_geometry(x, a):
    kernel = list(a["kernel_shape"])
    n = len(kernel)
    _spatial(n)
    if x.dim() != n + 2:
        raise OnnxOpError(f"a {len(kernel)}-D kernel on a {x.dim()}-D input")
    strides = list(a.get("strides", [1] * n))
    dilations = list(a.get("dilations", [1] * n))
    begin, end = explicit_pads(a, x.shape[2:], kernel, strides, dilations)
    return n, kernel, strides, dilations, begin, end


def _fits_torch_padding(begin, end, kernel) -> bool:
    return begin == end and all(2 * p <= k for p, k in zip(begin, kernel))


def max_pool(ins, a):
    x = ins[0]
    n, kernel, strides, dilations, begin, end = _pool_geometry(x, a)
    ceil = bool(a.get("ceil_mode", 0))
    if not _fits_torch_padding(begin, end, kernel):
        x = F.pad(x, _torch_pad(begin, end), value=-math.inf)
        begin = [0] * n
    return _MAX_POOL[n](x, kernel, strides, begin, dilations, ceil_mode=ceil)


def average_pool(ins, a):
    x = ins[0]
    n, kernel, strides, dilations, begin, end = _pool_geometry(x, a)
    if any(d != 1 for d in dilations):
        raise OnnxOpError(f"dilations {dilations} (torch's average pooling has none)")
    include = bool(a.get("count_include_pad", 0))
    if not _fits_torch_padding(begin, end, kernel):
        if not include:
            raise OnnxOpError(f"pads {begin + end} with count_include_pad=0")
        x = F.pad(x, _torch_pad(begin, end))
        begin = [0] * n
    return _AVG_POOL[n](x, kernel, strides, begin, ceil_mode=bool(a.get("ceil_mode", 0)),
                        count_include_pad=include)


def global_average_pool(ins, a):
    x = ins[0]
    _spatial(x.dim() - 2)
    return _GLOBAL_AVG[x.dim() - 2](x, 1)


def batch_normalization(ins, a):
    if a.get("training_mode", 0):
        raise OnnxOpError("training_mode=1 (only inference statistics are read)")
    x, scale, bias, mean, var = ins[:5]
    return F.batch_norm(x, mean, var, scale, bias, False, 0.0, float(a.get("epsilon", 1e-5)))


def layer_normalization(ins, a):
    x, scale = ins[0], ins[1]
    bias = ins[2] if len(ins) > 2 else None
    axis = int(a.get("axis", -1)) % x.dim()
    shape = tuple(x.shape[axis:])
    if tuple(scale.shape) != shape:
        scale = scale.expand(shape)
    if bias is not None and tuple(bias.shape) != shape:
        bias = bias.expand(shape)
    return F.layer_norm(x, shape, scale, bias, float(a.get("epsilon", 1e-5)))


def gemm(ins, a):
    """alpha * A' @ B' + beta * C: F.linear when B is a transposed weight (nn.Linear's own
    call), torch.matmul otherwise; scaling and C as separate vector ops."""
    x, w = ins[0], ins[1]
    c = ins[2] if len(ins) > 2 else None
    alpha, beta = float(a.get("alpha", 1.0)), float(a.get("beta", 1.0))
    if a.get("transA", 0):
        x = x.t()
    if a.get("transB", 0) and a["_const"][1]:
        bias_fits = (c is not None and beta == 1.0 and alpha == 1.0 and c.dim() == 1
                     and c.shape[0] == w.shape[0])
        y = F.linear(x, w, c if bias_fits else None)
        if bias_fits:
            return y
    else:
        y = torch.matmul(x, w.t() if a.get("transB", 0) else w)
    if alpha != 1.0:
        y = y * alpha
    if c is not None:
        y = y + (c * beta if beta != 1.0 else c)
    return y


def matmul(ins, a):
    return torch.matmul(ins[0], ins[1])


def _is_float(v) -> bool:
    return v.dtype.is_floating_point if isinstance(v, torch.Tensor) else isinstance(v, float)


def _div(x, y):
    if not (_is_float(x) or _is_float(y)):
        return torch.div(x, y, rounding_mode="trunc")  # ONNX integer Div truncates
    return x / y


def softmax(ins, a):
    x = ins[0]
    if a["_opset"] >= 13:
        return torch.softmax(x, int(a.get("axis", -1)))
    axis = int(a.get("axis", 1)) % x.dim()  # before opset 13: over all dims from axis on
    if axis == x.dim() - 1:
        return torch.softmax(x, -1)
    return torch.softmax(x.flatten(axis), -1).reshape(x.shape)


def clip(ins, a):
    lo = ins[1] if len(ins) > 1 else a.get("min")
    hi = ins[2] if len(ins) > 2 else a.get("max")
    if lo is None and hi is None:
        return ins[0]
    return torch.clamp(ins[0], lo, hi)


def gelu(ins, a):
    return F.gelu(ins[0], approximate=a.get("approximate", "none"))


def reduce_mean(ins, a):
    x = ins[0]
    axes = a.get("axes", ins[1] if len(ins) > 1 else None)
    if not axes:
        if a.get("noop_with_empty_axes", 0):
            return x
        axes = list(range(x.dim()))
    return torch.mean(x, [int(d) for d in axes], keepdim=bool(a.get("keepdims", 1)))


def pow_(ins, a):
    return torch.pow(ins[0], ins[1])  # a constant scalar exponent arrives as a number


COMPUTE_OPS = {
    "Conv": conv, "MaxPool": max_pool, "AveragePool": average_pool,
    "GlobalAveragePool": global_average_pool, "BatchNormalization": batch_normalization,
    "LayerNormalization": layer_normalization, "Gemm": gemm, "MatMul": matmul,
    # operators, not torch.add: a constant scalar may stand on either side (2.0 - x)
    "Add": lambda ins, a: ins[0] + ins[1],
    "Sub": lambda ins, a: ins[0] - ins[1],
    "Mul": lambda ins, a: ins[0] * ins[1],
    "Div": lambda ins, a: _div(ins[0], ins[1]),
    "Pow": pow_,
    "Relu": lambda ins, a: F.relu(ins[0]),
    "Sigmoid": lambda ins, a: torch.sigmoid(ins[0]),
    "Tanh": lambda ins, a: torch.tanh(ins[0]),
    "Erf": lambda ins, a: torch.erf(ins[0]),
    "Sqrt": lambda ins, a: torch.sqrt(ins[0]),
    "Gelu": gelu, "Softmax": softmax, "Clip": clip, "ReduceMean": reduce_mean,
}
