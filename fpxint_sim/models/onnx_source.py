"""`--model FILE.onnx`: an ONNX file read into a torch module (onnx_graph.py) and its inputs.

No maintained ONNX-to-torch converter imports here: onnx2torch and onnx2pytorch both import
torchvision at package import (their NMS / RoIAlign / deform-conv converters), and no
torchvision build loads beside this CPU torch. The reader is therefore this package's own, on
the `onnx` package alone (pip install 'fpxint_sim[onnx]'), for the ops CNN and transformer
exports use (onnx_graph.SUPPORTED_OPS); any other op is refused by name before anything is
allocated.

Everything is bounded before it is read: the file size, the node count, each initializer's
size (external data too, kept inside the model's folder) and the opset range. The inputs are
the graph's own input shapes (seeded values, as `--input SHAPES` makes them), or `--input`;
a dynamic dimension needs `--input`.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import torch
from torch import nn

from fpxint_sim.errors import InputError, MissingExtraError
from fpxint_sim.models import onnx_types
from fpxint_sim.models.input_spec import parse_inputs, shapes_to_inputs

MAX_FILE_BYTES = 2 << 30  # protobuf's own limit for one message
MAX_WEIGHT_BYTES = 4 << 30  # all initializers, external data included
MAX_NODES = 100_000
MAX_INPUTS = 16
OPSETS = (11, 23)  # default-domain opsets whose op semantics the reader follows


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


def _import_onnx():
    try:
        import onnx
    except ImportError:
        raise MissingExtraError("reading an .onnx model", "onnx") from None
    return onnx


def _parse(path: Path, onnx):
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(f"--model {path}: {size:,} bytes, more than the {MAX_FILE_BYTES:,} an "
                         "ONNX file can hold (keep weights as external data)")
    if zipfile.is_zipfile(path):
        from fpxint_sim.models.file_sources import is_torchscript, refuse_torchscript

        if is_torchscript(path):
            refuse_torchscript(path)
        raise InputError(f"--model {path}: a zip archive (torch.save or .pt2?), not an ONNX "
                         "model")
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as e:
        raise InputError(f"--model {path}: not an ONNX model ({_one_line(e)})") from None
    if model.ir_version <= 0 or not model.graph.node or not model.graph.output:
        raise InputError(f"--model {path}: not an ONNX model (no graph with nodes and outputs)")
    return model


def _opset(model, path: Path) -> int:
    versions = {o.domain: o.version for o in model.opset_import}
    version = versions.get("", versions.get("ai.onnx"))
    if version is None or not OPSETS[0] <= version <= OPSETS[1]:
        raise InputError(f"--model {path}: ONNX opset {version} is not read (opsets "
                         f"{OPSETS[0]}..{OPSETS[1]}); re-export with one of them")
    return version


def _check_nodes(model, path: Path) -> None:
    from fpxint_sim.models.onnx_graph import OPS, SUPPORTED_OPS, node_label

    nodes = model.graph.node
    if len(nodes) > MAX_NODES:
        raise InputError(f"--model {path}: {len(nodes):,} nodes, more than the {MAX_NODES:,} "
                         "allowed")
    for i, node in enumerate(nodes):
        if node.domain not in ("", "ai.onnx") or node.op_type not in OPS:
            where = f" of domain {node.domain!r}" if node.domain not in ("", "ai.onnx") else ""
            raise InputError(f"--model {path}: node {node_label(node, i)} has op_type "
                             f"{node.op_type!r}{where}, which is not supported (supported: "
                             f"{', '.join(SUPPORTED_OPS)})")


def _external(init, path: Path) -> tuple[Path, int]:
    """(file, bytes) of an initializer stored outside the model, kept inside its folder."""
    info = {e.key: e.value for e in init.external_data}
    base = path.resolve().parent
    target = (base / info.get("location", "")).resolve()
    if base not in target.parents or not target.is_file():
        raise InputError(f"--model {path}: initializer {init.name!r} points to external data "
                         f"{info.get('location')!r}, not a file beside the model")
    offset, length = int(info.get("offset", 0)), info.get("length")
    length = int(length) if length is not None else target.stat().st_size - offset
    if offset < 0 or length < 0 or offset + length > target.stat().st_size:
        raise InputError(f"--model {path}: initializer {init.name!r}: external data "
                         f"{info.get('location')!r} is shorter than offset+length")
    return target, length


def _check_initializers(model, path: Path) -> None:
    total = 0
    for init in model.graph.initializer:
        if len(init.dims) > 8 or any(d < 0 for d in init.dims):
            raise InputError(f"--model {path}: initializer {init.name!r} has shape "
                             f"{list(init.dims)}")
        nbytes = math.prod(init.dims) * onnx_types.element_bytes(init.data_type)
        if init.data_location == 1:  # EXTERNAL
            _, stored = _external(init, path)
            if stored < nbytes:
                raise InputError(f"--model {path}: initializer {init.name!r} needs {nbytes:,}"
                                 f" bytes, its external data has {stored:,}")
        total += nbytes
        if total > MAX_WEIGHT_BYTES:
            raise InputError(f"--model {path}: initializers of more than "
                             f"{MAX_WEIGHT_BYTES:,} bytes")


def _graph_inputs(model) -> list:
    names = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in names]


def _shape_text(value_info) -> tuple[str, bool]:
    """('1x3x224x224', dynamic?) of a graph input; a dynamic dim reads as its name."""
    dims = value_info.type.tensor_type.shape.dim
    parts = [str(d.dim_value) if d.dim_value > 0 else (d.dim_param or "?") for d in dims]
    return "x".join(parts), not all(d.dim_value > 0 for d in dims)


def _vocabulary(model, input_name: str) -> int | None:
    """Rows of the constant table the first Gather looks `input_name` up in (token ids)."""
    tables = {i.name: list(i.dims) for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Gather" and len(node.input) > 1 and node.input[1] == input_name \
                and node.input[0] in tables and tables[node.input[0]]:
            return tables[node.input[0]][0]
    return None


def _default_inputs(model, graph_inputs, path: Path) -> tuple:
    specs, vocab = [], None
    for vi in graph_inputs:
        shape, dynamic = _shape_text(vi)
        elem = vi.type.tensor_type.elem_type
        if dynamic:
            raise InputError(f"--model {path}: graph input {vi.name!r} has dynamic dimensions "
                             f"({shape}); give its shape with --input")
        if onnx_types.is_float_type(elem):
            specs.append(shape)
        elif elem in (6, 7):  # int32 / int64: token ids, bounded by their embedding table
            vocab = _vocabulary(model, vi.name)
            if vocab is None:
                raise InputError(f"--model {path}: integer graph input {vi.name!r} feeds no "
                                 "embedding table; give its values with --input FILE.pt")
            specs.append(f"ids:{shape}")
        else:
            raise InputError(f"--model {path}: graph input {vi.name!r} has element type "
                             f"{elem}; give its values with --input FILE.pt")
    return shapes_to_inputs(",".join(specs), nn.Module(), vocab)


def _check_inputs(inputs: tuple, graph_inputs, path: Path) -> None:
    if len(inputs) != len(graph_inputs):
        raise InputError(f"--input: {len(inputs)} tensors given, {path} has "
                         f"{len(graph_inputs)} graph inputs")
    for t, vi in zip(inputs, graph_inputs):
        dims = vi.type.tensor_type.shape.dim
        if len(dims) != t.dim() or any(d.dim_value > 0 and d.dim_value != s
                                       for d, s in zip(dims, t.shape)):
            raise InputError(f"--input: graph input {vi.name!r} of {path} has shape "
                             f"{_shape_text(vi)[0]}, got {'x'.join(map(str, t.shape))}")
        elem = vi.type.tensor_type.elem_type
        if onnx_types.is_float_type(elem) != t.is_floating_point():
            want = "floats" if onnx_types.is_float_type(elem) else "integers (ids:SHAPE)"
            raise InputError(f"--input: graph input {vi.name!r} of {path} takes {want}, got "
                             f"{str(t.dtype).removeprefix('torch.')}")


def load_onnx(path: Path, input_spec: str | None = None) -> tuple[nn.Module, tuple]:
    """(module, inputs) of an ONNX file; any problem is one InputError naming the file."""
    from fpxint_sim.models.onnx_graph import ConversionError, convert_graph

    onnx = _import_onnx()
    model = _parse(path, onnx)
    opset = _opset(model, path)
    _check_nodes(model, path)
    _check_initializers(model, path)
    graph_inputs = _graph_inputs(model)
    if not 1 <= len(graph_inputs) <= MAX_INPUTS:
        raise InputError(f"--model {path}: {len(graph_inputs)} graph inputs (1..{MAX_INPUTS} "
                         "are read)")
    try:
        onnx.checker.check_model(str(path))  # by path: external data beside it
    except Exception as e:
        raise InputError(f"--model {path}: invalid ONNX model ({_one_line(e)})") from None
    if input_spec:
        inputs = parse_inputs(input_spec, nn.Module(), _vocabulary(model, graph_inputs[0].name))
    else:
        inputs = _default_inputs(model, graph_inputs, path)
    _check_inputs(inputs, graph_inputs, path)
    try:
        from onnx.external_data_helper import load_external_data_for_model

        load_external_data_for_model(model, str(path.resolve().parent))
    except Exception as e:
        raise InputError(f"--model {path}: external data cannot be read ({_one_line(e)})") \
            from None

    def to_tensor(proto):
        return onnx_types.to_torch(proto, f"--model {path}")

    initializers = {i.name: to_tensor(i) for i in model.graph.initializer}
    named = {vi.name: (t.float() if t.is_floating_point() else t)
             for vi, t in zip(graph_inputs, inputs)}
    try:
        module = convert_graph(model.graph, opset, named, initializers, to_tensor)
    except ConversionError as e:
        raise InputError(f"--model {path}: {e}") from None
    return module.eval(), tuple(torch.as_tensor(t) for t in inputs)
