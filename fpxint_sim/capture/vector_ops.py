"""Element counts of the vector-unit ops of one forward through the captured graph.

A torch.fx Interpreter runs the graph once on the example inputs and records, per vector op
(add, softmax, LayerNorm, pooling, embedding, ...), how many tensor elements it reads and
writes: what a vector unit of width w streams, ceil(elements / w) cycles per pass, for the
cost model to charge.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import torch
from torch import fx
from torch.fx._pytree import tree_flatten_spec
from torch.utils._pytree import tree_flatten

from fpxint_sim.capture.op_kinds import VECTOR


@dataclass(frozen=True)
class VectorOp:
    """One executed vector op: stable name, canonical op, elements read and written."""

    name: str
    op: str
    in_elements: int
    out_elements: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _numel(values) -> int:
    leaves, _ = tree_flatten(values)
    return sum(int(v.numel()) for v in leaves if isinstance(v, torch.Tensor))


class _Counter(fx.Interpreter):
    def __init__(self, gm, vector_nodes: dict):
        super().__init__(gm)
        self.vector_nodes = vector_nodes  # fx.Node -> (name, op)
        self.records: list[VectorOp] = []

    def run_node(self, n: fx.Node):
        out = super().run_node(n)
        if n in self.vector_nodes:
            args, kwargs = self.fetch_args_kwargs_from_env(n)
            name, op = self.vector_nodes[n]
            self.records.append(VectorOp(name, op, _numel((args, kwargs)), _numel(out)))
        return out


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
    """Every vector op run by one forward of `captured.module`, in execution order (a
    BatchNorm that expansion folds into its conv does no vector work and is left out)."""
    nodes = {captured.nodes[op.name]: (op.name, op.op) for op in captured.ops
             if op.kind == VECTOR and not op.folds_into}
    counter = _Counter(captured.module, nodes)
    with torch.no_grad():
        counter.run(*graph_inputs(captured.module, example_inputs, example_kwargs))
    return counter.records
