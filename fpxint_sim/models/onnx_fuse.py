"""MatMul + bias Add in an ONNX graph: the nn.Linear that exporters split in two.

torch's exporters write nn.Linear on a 3-D input as MatMul(x, W^T) then Add(., bias). Read
as two ops, the bias add would be a vector op of its own, where the module's linear (and an
accelerator's epilogue) adds it in the GEMM. The reader turns such a pair back into one
F.linear call with the weight transposed back (exact) and the bias, so the ONNX file costs
what its module does.
"""

from __future__ import annotations

from collections import Counter

import torch


def bias_add_candidates(graph) -> dict[int, int]:
    """{MatMul node index: index of the Add that is its output's only reader}."""
    readers = Counter(name for node in graph.node for name in node.input if name)
    readers.update(o.name for o in graph.output)
    producer = {}
    for i, node in enumerate(graph.node):
        if node.op_type == "MatMul" and node.domain in ("", "ai.onnx") and len(node.input) == 2:
            producer[node.output[0]] = i
    pairs = {}
    for j, node in enumerate(graph.node):
        if node.op_type != "Add" or len(node.input) != 2:
            continue
        for name in node.input:
            if name in producer and readers[name] == 1:
                pairs[producer[name]] = j
    return pairs


def fusable_bias(add_node, matmul_out: str, weight, consts: dict) -> str | None:
    """The Add's other input when it is a constant 1-D float bias of the weight's N."""
    other = [n for n in add_node.input if n != matmul_out]
    if len(other) != 1 or other[0] not in consts or weight is None:
        return None
    bias = consts[other[0]]
    if weight.dim() != 2 or not weight.is_floating_point() or bias.dim() != 1 \
            or not bias.is_floating_point() or bias.shape[0] != weight.shape[1]:
        return None
    return other[0]


def transposed_weight_name(weight_name: str, bias_name: str, taken) -> str:
    """'fc.bias' -> 'fc.weight' (the module's own name) when free, else '<weight>_t'."""
    if bias_name.endswith("bias"):
        name = bias_name[: -len("bias")] + "weight"
        if name not in taken:
            return name
    name, k = f"{weight_name}_t", 1
    while name in taken:
        k += 1
        name = f"{weight_name}_t{k}"
    return name


def linear(ins, a):
    return torch.nn.functional.linear(ins[0], ins[1], ins[2])
