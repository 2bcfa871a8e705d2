"""Element counts of the vector-unit ops of one forward through the captured graph.

A torch.fx Interpreter runs the graph once on the example inputs and records, per vector op
(add, softmax, LayerNorm, pooling, embedding, ...), how many tensor elements it reads and
writes, and a pooling op's window (kernel elements): what the cost model
(fpxint_sim/sim/vector_cost.py) charges the accelerator's vector unit for. A data-movement op
is recorded only when it copies: its output is new memory made from tensor inputs (cat,
contiguous after a permute, pad); a view (reshape, permute, slice) is an address remapping
and costs nothing. A pointwise activation (op_kinds.EPILOGUE_ACTIVATIONS) whose input is an
integer job's output read by nothing else is recorded as fused into that job: the epilogue
applies it as it writes the output, so it moves no tensor of its own.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass

import torch
from torch import fx
from torch.fx._pytree import tree_flatten_spec
from torch.utils._pytree import tree_flatten

from fpxint_sim.capture.op_kinds import DATA, EPILOGUE_ACTIVATIONS, INTEGER, VECTOR, base_name


@dataclass(frozen=True)
class VectorOp:
    """One executed vector op (or copying data op): stable name, canonical op, elements read
    and written; window: kernel elements of a pooling op (0 otherwise); kind: 'vector' or
    'data' (a copy)."""

    name: str
    op: str
    in_elements: int
    out_elements: int
    window: int = 0
    kind: str = VECTOR
    fused_into: str = ""  # the integer job whose epilogue applies this activation

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _numel(values) -> int:
    leaves, _ = tree_flatten(values)
    return sum(int(v.numel()) for v in leaves if isinstance(v, torch.Tensor))


def _storages(values) -> set[int]:
    leaves, _ = tree_flatten(values)
    return {v.untyped_storage().data_ptr() for v in leaves if isinstance(v, torch.Tensor)}


def copies(inputs, out) -> bool:
    """A data op copies when it reads tensors and its output shares memory with none of them."""
    made, read = _storages(out), _storages(inputs)
    return bool(made) and bool(read) and not (made & read)


POOL_DIMS = {"max_pool1d": 1, "avg_pool1d": 1, "max_pool2d": 2, "avg_pool2d": 2,
             "max_pool3d": 3, "avg_pool3d": 3}


def pool_window(node: fx.Node, gm: fx.GraphModule, op: str, args, kwargs) -> int:
    """Kernel elements of a fixed-window pooling op (a module call or a function), else 0."""
    if op not in POOL_DIMS:
        return 0
    if node.op == "call_module":
        size = gm.get_submodule(node.target).kernel_size
    else:
        size = kwargs.get("kernel_size", args[1] if len(args) > 1 else None)
    sizes = [int(k) for k in size] if isinstance(size, (tuple, list)) else [int(size)]
    if len(sizes) == 1:
        sizes = sizes * POOL_DIMS[op]
    return math.prod(sizes)


class _Counter(fx.Interpreter):
    def __init__(self, gm, vector_nodes: dict, data_nodes: dict, fused: dict):
        super().__init__(gm)
        self.vector_nodes = vector_nodes  # fx.Node -> (name, op)
        self.data_nodes = data_nodes
        self.fused = fused  # fx.Node -> name of the integer job it fuses into
        self.records: list[VectorOp] = []

    def run_node(self, n: fx.Node):
        out = super().run_node(n)
        if n in self.vector_nodes:
            args, kwargs = self.fetch_args_kwargs_from_env(n)
            name, op = self.vector_nodes[n]
            self.records.append(VectorOp(name, op, _numel((args, kwargs)), _numel(out),
                                         pool_window(n, self.module, op, args, kwargs),
                                         fused_into=self.fused.get(n, "")))
        elif n in self.data_nodes:
            args, kwargs = self.fetch_args_kwargs_from_env(n)
            if copies((args, kwargs), out):
                name, op = self.data_nodes[n]
                self.records.append(VectorOp(name, op, _numel(out), _numel(out), 0, DATA))
        return out


def epilogue_fusions(captured) -> dict:
    """{activation node: integer job name} for every pointwise activation whose input is an
    integer job's output (through a BatchNorm that folds into it) read by nothing else."""
    info = {captured.nodes[op.name]: op for op in captured.ops}
    fused = {}
    for node, op in info.items():
        if op.kind != VECTOR or base_name(op.op) not in EPILOGUE_ACTIVATIONS or not node.args:
            continue
        src = node.args[0]
        if not isinstance(src, fx.Node) or len(src.users) != 1 or src not in info:
            continue
        if info[src].folds_into:  # conv -> folded BatchNorm -> activation
            conv = captured.nodes.get(info[src].folds_into)
            if conv is None or len(conv.users) != 1:
                continue
            src = conv
        if info.get(src) is not None and info[src].kind == INTEGER:
            fused[node] = info[src].name
    return fused


def graph_inputs(gm: fx.GraphModule, args: tuple, kwargs: dict | None) -> list:
    """The graph's placeholder values: the pytree leaves of an exported module's inputs."""
    spec = getattr(gm, "_in_spec", None)
    if spec is not None:
        return list(tree_flatten_spec((tuple(args), dict(kwargs or {})), spec))
    bound = inspect.signature(gm.forward).bind(*args, **(kwargs or {}))  # fx: forward's order
    bound.apply_defaults()
    return list(bound.arguments.values())


def vector_op_elements(captured, example_inputs: tuple, example_kwargs: dict | None = None
                       ) -> list[VectorOp]:
    """Every vector op and copying data op run by one forward of `captured.module`, in
    execution order (a BatchNorm that expansion folds into its conv does no vector work and is
    left out). A copy reads and writes its output's elements (in_elements = out_elements)."""
    nodes = {captured.nodes[op.name]: (op.name, base_name(op.op)) for op in captured.ops
             if op.kind == VECTOR and not op.folds_into}  # add_ is costed as add
    data = {captured.nodes[op.name]: (op.name, op.op) for op in captured.ops if op.kind == DATA}
    counter = _Counter(captured.module, nodes, data, epilogue_fusions(captured))
    with torch.no_grad():
        counter.run(*graph_inputs(captured.module, example_inputs, example_kwargs))
    return counter.records
