"""Small ONNX graphs built with onnx.helper for the ONNX reader's tests (no exporter needed).

`build` makes one model from nodes, inputs and float initializers in float32 (what the reader
reads) or float64 (the twin the ONNX reference evaluator runs, the same values upcast).
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE}


def build(nodes, inputs, outputs, inits=None, opset=20, dtype=np.float32) -> onnx.ModelProto:
    """inputs: [(name, shape)] (float, or (name, shape, "int64")); outputs: names; inits:
    {name: array} (floats cast to dtype, integer arrays kept)."""
    elem = FLOAT[dtype]
    graph_inputs = [helper.make_tensor_value_info(
        i[0], TensorProto.INT64 if len(i) > 2 else elem, list(i[1])) for i in inputs]
    graph_outputs = [helper.make_tensor_value_info(o, elem, None)
                     for o in outputs]  # shapes left to the model
    tensors = [numpy_helper.from_array(
        np.asarray(v, dtype) if np.asarray(v).dtype.kind == "f" else np.asarray(v), name)
        for name, v in (inits or {}).items()]
    graph = helper.make_graph(nodes, "g", graph_inputs, graph_outputs, tensors)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              ir_version=8)
    model = onnx.shape_inference.infer_shapes(model)  # output types, as exporters write them
    missing = [o for o in model.graph.output if not o.type.tensor_type.HasField("shape")]
    if missing:  # shapes inference cannot follow (computed Reshape shapes): from a run
        feeds = {i[0]: np.zeros(i[1], np.int64 if len(i) > 2 else dtype) for i in inputs}
        values = dict(zip(outputs, reference_outputs(model, feeds)))
        for o in missing:
            o.type.tensor_type.shape.dim.extend(
                helper.make_tensor_type_proto(elem, values[o.name].shape).tensor_type.shape.dim)
            o.type.tensor_type.shape.SetInParent()
    return model


def node(op, inputs, outputs, name=None, **attrs):
    return helper.make_node(op, inputs, outputs, name=name or f"{op}_{outputs[0]}", **attrs)


def reference_outputs(model: onnx.ModelProto, feeds: dict) -> list:
    from onnx.reference import ReferenceEvaluator

    return ReferenceEvaluator(model).run(None, feeds)
