"""An ONNX graph as an nn.Module of torch ops, with the file's weights as its parameters.

Conversion walks the nodes once with the input shapes fixed: a node whose inputs are all
constants (or that reads only shapes, like Shape) is computed there and then (constant
folding: shape arithmetic, Constant, ConstantOfShape); every other node becomes a step of the
module's forward, its output shape found on the meta device (no memory, no compute). Every
value is bounded before it is made. A weight initializer becomes a parameter at its own name
("layer1.0.conv1.weight" -> module path layer1.0.conv1), so graph capture names the layers as
the PyTorch module the file came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from fpxint_sim.models.onnx_fuse import (
    bias_add_candidates,
    fusable_bias,
    linear,
    transposed_weight_name,
)
from fpxint_sim.models.onnx_ops import COMPUTE_OPS, OnnxOpError
from fpxint_sim.models.onnx_tensor_ops import TENSOR_OPS

MAX_VALUE_ELEMENTS = 1 << 28  # one intermediate tensor: 1 GiB of float32


@dataclass(frozen=True)
class OpSpec:
    """fn(inputs, attrs); static: inputs that must be constants, given as Python values;
    static_if_const: given as Python values when constant; scalar_if_const: a one-value
    constant given as a Python number beside a run-time operand (x * 0.5, as torch code
    writes it); outputs: how many it gives (None: as many as the node names); shape_only:
    reads only its input's shape."""

    fn: Callable
    static: frozenset = frozenset()
    static_if_const: frozenset = frozenset()
    scalar_if_const: frozenset = frozenset()
    outputs: int | None = 1
    shape_only: bool = False


_STATIC = {"Reshape": {1}, "Slice": {1, 2, 3, 4}, "Split": {1}, "Unsqueeze": {1},
           "Squeeze": {1}, "ReduceMean": {1}, "ConstantOfShape": {0}, "Clip": {1, 2},
           "Dropout": {1, 2}}
_STATIC_IF_CONST = {"Gather": {1}}
_SCALAR_IF_CONST = {"Add": {0, 1}, "Sub": {0, 1}, "Mul": {0, 1}, "Div": {0, 1}, "Pow": {1}}
OPS = {name: OpSpec(fn, frozenset(_STATIC.get(name, ())),
                    frozenset(_STATIC_IF_CONST.get(name, ())),
                    frozenset(_SCALAR_IF_CONST.get(name, ())),
                    None if name == "Split" else 1, name == "Shape")
       for name, fn in {**COMPUTE_OPS, **TENSOR_OPS}.items()}
SUPPORTED_OPS = tuple(sorted(OPS))


class ConversionError(ValueError):
    """A node that cannot be converted: (node label, op_type, reason)."""

    def __init__(self, node: str, op_type: str, reason: str):
        super().__init__(f"node {node} ({op_type}): {reason}")


def node_label(node, index: int) -> str:
    return repr(node.name) if node.name else f"#{index}"


def _attributes(node, to_tensor) -> dict:
    from onnx import AttributeProto, helper

    out = {}
    for attr in node.attribute:
        if attr.type == AttributeProto.TENSOR:
            out[attr.name] = to_tensor(attr.t)
            continue
        value = helper.get_attribute_value(attr)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        elif not isinstance(value, (int, float, str)):
            value = list(value)  # ints, floats, strings
        out[attr.name] = value
    return out


def _python(t: torch.Tensor):
    return t.item() if t.dim() == 0 else t.tolist()


def _check_size(outs, label, op_type) -> None:
    for t in outs:
        if not isinstance(t, torch.Tensor):
            raise ConversionError(label, op_type, "gave no tensor")
        if t.numel() > MAX_VALUE_ELEMENTS:
            raise ConversionError(label, op_type, f"output of {t.numel():,} values, more than "
                                  f"the {MAX_VALUE_ELEMENTS:,} allowed")


def _run(spec: OpSpec, args: list, attrs: dict, label: str, op_type: str) -> tuple:
    try:
        with torch.no_grad():
            out = spec.fn(args, attrs)
    except ConversionError:
        raise
    except OnnxOpError as e:
        raise ConversionError(label, op_type, f"{e} is not supported") from None
    except Exception as e:
        text = str(e).strip().splitlines()
        raise ConversionError(label, op_type, f"{type(e).__name__}: {text[0] if text else ''}"
                              ) from None
    return out if isinstance(out, tuple) else (out,)


@dataclass
class Step:
    op_type: str
    fn: Callable
    inputs: list  # per input: None, ("run", name), ("const", name) or ("value", python value)
    attrs: dict
    outputs: list


class OnnxModule(nn.Module):
    """The converted graph: runs its steps in order on the graph inputs."""

    def __init__(self, input_names, output_names, steps: list[Step], constants: dict,
                 weight_names: set):
        super().__init__()
        self._input_names = list(input_names)
        self._output_names = list(output_names)
        self._paths: dict[str, str] = {}
        for name, t in constants.items():
            self._paths[name] = _register(self, name, t, name in weight_names)
        self._steps = [Step(s.op_type, s.fn, [(("const", self._paths[r[1]]) if r and r[0] ==
                                                "const" else r) for r in s.inputs],
                            s.attrs, s.outputs) for s in steps]

    def _tensor(self, path: str) -> torch.Tensor:
        obj = self
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    def forward(self, *inputs):
        env = dict(zip(self._input_names, inputs))
        for step in self._steps:
            args = [None if r is None else env[r[1]] if r[0] == "run" else self._tensor(r[1])
                    if r[0] == "const" else r[1] for r in step.inputs]
            out = step.fn(args, step.attrs)
            for name, value in zip(step.outputs, out if isinstance(out, tuple) else (out,)):
                if name:
                    env[name] = value
        outs = [env[n] if n in env else self._tensor(self._paths[n])
                for n in self._output_names]
        return outs[0] if len(outs) == 1 else tuple(outs)


_RESERVED = set(dir(nn.Module())) | {"forward"}


def _parts(name: str) -> list[str] | None:
    parts = [re.sub(r"\W", "_", p) for p in name.split(".")]
    if any(not p or p in _RESERVED or p.startswith("_") for p in parts):
        return None
    return parts


def _register(root: nn.Module, name: str, t: torch.Tensor, weight: bool) -> str:
    """Keep `t` at the path its ONNX name spells (holder modules made on the way), else at a
    flat 'onnx_<name>' root attribute; weights as parameters, other constants as buffers."""
    parts = _parts(name)
    owner = root
    if parts is not None:
        for p in parts[:-1]:
            child = owner._modules.get(p)
            if child is None and not hasattr(owner, p):
                child = nn.Module()
                owner.add_module(p, child)
            if not isinstance(child, nn.Module) or type(child) is not nn.Module:
                parts = None
                break
            owner = child
    if parts is None or hasattr(owner, parts[-1]):
        owner = root
        base = "onnx_" + re.sub(r"\W", "_", name)
        leaf, k = base, 1
        while hasattr(root, leaf):
            k += 1
            leaf = f"{base}_{k}"
        parts = [leaf]
    if weight and t.dtype.is_floating_point:
        owner.register_parameter(parts[-1], nn.Parameter(t, requires_grad=False))
    else:
        owner.register_buffer(parts[-1], t)
    return ".".join(parts)


def _input_ref(name, index, spec, runtime, consts, label, op_type, beside_rank):
    """(reference, value now) of one node input; beside_rank: the smallest rank of the node's
    run-time inputs (None: all constant), up to which a one-value constant broadcasts as a
    number would."""
    if name == "":
        return None, None
    if name in runtime:
        if index in spec.static:
            raise ConversionError(label, op_type, f"input {index} ({name!r}) is computed at run "
                                  "time; only a constant is supported there")
        return ("run", name), runtime[name]
    if name not in consts:
        raise ConversionError(label, op_type, f"input {name!r} is not produced before it")
    c = consts[name]
    if index in spec.static or index in spec.static_if_const or (
            index in spec.scalar_if_const and beside_rank is not None and c.numel() == 1
            and c.dim() <= beside_rank):
        value = c.reshape(()).item() if index in spec.scalar_if_const else _python(c)
        return ("value", value), value
    return ("const", name), c


def _linear_step(x: str, weight: str, bias: str, out: str, runtime, consts, label) -> Step:
    refs = [("run", x), ("const", weight), ("const", bias)]
    meta = [runtime[x], consts[weight].to("meta"), consts[bias].to("meta")]
    with torch.device("meta"):
        outs = _run(OpSpec(linear), meta, {}, label, "MatMul+Add")
    _check_size(outs, label, "MatMul+Add")
    runtime[out] = outs[0]
    return Step("MatMul+Add", linear, refs, {}, [out])


def convert_graph(graph, opset: int, inputs: dict, initializers: dict, to_tensor
                  ) -> OnnxModule:
    """OnnxModule of `graph` for the given input tensors (graph input name -> tensor)."""
    runtime = {n: t.to("meta") for n, t in inputs.items()}
    consts = dict(initializers)
    weight_names = set(initializers)
    steps, used_consts, fused_adds = [], set(), set()
    bias_adds = bias_add_candidates(graph)
    for index, node in enumerate(graph.node):
        if index in fused_adds:
            continue
        label, op_type = node_label(node, index), node.op_type
        spec = OPS[op_type]
        attrs = _attributes(node, to_tensor)
        attrs["_opset"], attrs["_outputs"] = opset, len(node.output)
        if index in bias_adds and node.input[0] in runtime:
            add = graph.node[bias_adds[index]]
            bias = fusable_bias(add, node.output[0], consts.get(node.input[1]), consts)
            if bias is not None:  # MatMul + Add -> one F.linear (models/onnx_fuse.py)
                name = transposed_weight_name(node.input[1], bias, consts)
                consts[name] = consts[node.input[1]].t().contiguous()
                weight_names.add(name)
                fused_adds.add(bias_adds[index])
                used_consts.update((name, bias))
                steps.append(_linear_step(node.input[0], name, bias, add.output[0], runtime,
                                          consts, label))
                continue
        refs, values = [], []
        ranks = [runtime[n].dim() for n in node.input if n in runtime]
        beside_rank = min(ranks) if ranks else None
        for i, name in enumerate(node.input):
            ref, value = _input_ref(name, i, spec, runtime, consts, label, op_type,
                                    beside_rank)
            refs.append(ref)
            values.append(value)
        attrs["_const"] = tuple(r is not None and r[0] != "run" for r in refs)
        if spec.outputs is not None and any(node.output[spec.outputs:]):
            raise ConversionError(label, op_type, f"outputs after the first {spec.outputs} "
                                  "are used; they are not supported")
        is_const = spec.shape_only or all(r is None or r[0] != "run" for r in refs)
        if spec.shape_only:  # reads shapes only: its (small) value is known now
            outs = _run(spec, values, attrs, label, op_type)
        else:  # sizes first, on the meta device (factories too): nothing allocated yet
            meta = [v.to("meta") if isinstance(v, torch.Tensor) else v for v in values]
            with torch.device("meta"):
                outs = _run(spec, meta, attrs, label, op_type)
        _check_size(outs, label, op_type)
        if is_const:
            if not spec.shape_only:
                outs = _run(spec, values, attrs, label, op_type)
            consts.update(zip(node.output, outs))
            continue
        runtime.update(zip(node.output, outs))
        used_consts.update(r[1] for r in refs if r is not None and r[0] == "const")
        steps.append(Step(op_type, spec.fn, refs, attrs, list(node.output[:len(outs)])))
    outputs = [o.name for o in graph.output]
    for name in outputs:
        if name not in runtime:
            used_consts.add(name)
    kept = {n: consts[n] for n in consts if n in used_consts}
    return OnnxModule(list(inputs), outputs, steps, kept, weight_names & set(kept))
