"""capture_model: a model as a graph whose integer-eligible ops are expandable module calls.

The graph (capture/trace.py) is rewritten op by op (conv / BatchNorm / linear / attention
rules) and then every op of it is listed with its kind (capture/op_kinds.py): an integer job
(a call of nn.Linear, zero-padding nn.Conv2d or ActMatmul, which fpxint_sim.expand expands),
a vector-unit op, data movement, or unhandled with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from torch import fx, nn

from fpxint_sim.capture.act_matmul import ActMatmul
from fpxint_sim.capture.bn_pairs import conv_bn_pairs
from fpxint_sim.capture.graph_modules import drop_unused
from fpxint_sim.capture.op_kinds import INTEGER, INTEGER_ELIGIBLE, VECTOR, kind_of
from fpxint_sim.capture.op_names import canonical_name, scope_of
from fpxint_sim.capture.refusals import refusal_reason
from fpxint_sim.capture.rewrite_attention import rewrite_act_matmul, rewrite_sdpa
from fpxint_sim.capture.rewrite_conv import rewrite_batch_norm, rewrite_conv
from fpxint_sim.capture.rewrite_conv_gemm import rewrite_conv3d, rewrite_conv_transpose2d
from fpxint_sim.capture.rewrite_linear import rewrite_linear
from fpxint_sim.capture.trace import graph_module

REWRITES = (rewrite_batch_norm, rewrite_conv, rewrite_conv3d, rewrite_conv_transpose2d,
            rewrite_linear, rewrite_sdpa, rewrite_act_matmul)


@dataclass(frozen=True)
class OpInfo:
    """One op of the captured graph.

    name: stable name (the module path of an integer job, else the graph node's name);
    op: canonical op name; kind: integer / vector / data / unhandled; reason: why unhandled;
    integer_eligible: the op is a GEMM/conv (an unhandled one stayed float); scope: the
    module path it was called from; folds_into: the conv a BatchNorm folds into.
    """

    name: str
    op: str
    kind: str
    reason: str = ""
    integer_eligible: bool = False
    scope: str = ""
    folds_into: str = ""  # a BatchNorm that expansion folds into this conv: no vector work

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Captured:
    module: fx.GraphModule
    ops: list[OpInfo]
    method: str
    nodes: dict = field(default_factory=dict, repr=False)  # op name -> fx.Node

    def by_kind(self, kind: str) -> list[OpInfo]:
        return [op for op in self.ops if op.kind == kind]

    def vector_ops(self, example_inputs: tuple, example_kwargs: dict | None = None) -> list:
        """Every vector op of one forward with its elements (capture/vector_ops.py); a
        BatchNorm that folds into its conv is not one."""
        from fpxint_sim.capture.vector_ops import vector_op_elements

        return vector_op_elements(self, example_inputs, example_kwargs)


def _is_integer_module(m: nn.Module) -> bool:
    if isinstance(m, (nn.Linear, ActMatmul)):
        return True
    return type(m) is nn.Conv2d and m.padding_mode == "zeros" and not isinstance(m.padding, str)


def _op_info(gm: fx.GraphModule, node: fx.Node, folds: dict) -> OpInfo:
    op = canonical_name(node, gm)
    scope = scope_of(node)
    if node.op == "call_module":
        module = gm.get_submodule(node.target)
        if _is_integer_module(module):
            return OpInfo(str(node.target), op, INTEGER, "", True, scope)
        if isinstance(module, nn.BatchNorm2d):
            return OpInfo(str(node.target), op, VECTOR, "", False, scope, folds.get(node, ""))
    kind, reason = kind_of(op)
    if op in INTEGER_ELIGIBLE:
        reason = refusal_reason(gm, node, op)
    return OpInfo(node.name, op, kind, reason, op in INTEGER_ELIGIBLE, scope)


def list_ops(gm: fx.GraphModule) -> tuple[list[OpInfo], dict]:
    """Every op of the graph (placeholders, get_attr and output excluded), in graph order."""
    ops, nodes = [], {}
    folds = {bn: str(conv.target) for conv, bn in conv_bn_pairs(gm)}
    for node in gm.graph.nodes:
        if node.op in ("placeholder", "get_attr", "output"):
            continue
        info = _op_info(gm, node, folds)
        ops.append(info)
        nodes[info.name] = node
    return ops, nodes


def capture_model(model, example_inputs: tuple, example_kwargs: dict | None = None
                  ) -> Captured:
    """The model (nn.Module or torch.export ExportedProgram) as a rewritten graph + its ops."""
    gm, method = graph_module(model, example_inputs, example_kwargs)
    for node in list(gm.graph.nodes):
        if node.op not in ("call_function", "call_method", "call_module"):
            continue
        name = canonical_name(node, gm)
        before = set(gm.graph.nodes)
        stack = node.meta.get("nn_module_stack")
        for rewrite in REWRITES:
            if rewrite(gm, node, name):
                for new in set(gm.graph.nodes) - before:  # new ops keep the op's scope
                    if stack and "nn_module_stack" not in new.meta:
                        new.meta["nn_module_stack"] = dict(stack)
                break
    drop_unused(gm)
    gm.graph.lint()
    ops, nodes = list_ops(gm)
    return Captured(gm, ops, method, nodes)


def uncovered_integer_ops(captured: Captured, allowed: set[str]) -> list[OpInfo]:
    """Integer-eligible ops that stayed float, except those the user allowed by name."""
    return [op for op in captured.ops
            if op.integer_eligible and op.kind != INTEGER and op.name not in allowed]
