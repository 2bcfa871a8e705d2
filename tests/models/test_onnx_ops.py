"""Each ONNX op the reader converts computes what the ONNX reference evaluator computes.

Layout, indexing, max-pooling and element-wise ops are compared for equality in float32 (one
correctly rounded operation per element, or none). Ops that accumulate (conv, GEMM, pooling
averages, normalizations, transcendental functions) are compared in float64: the converted
module and the reference run on the same values upcast, and differ only by float64 rounding,
at most K * 2^-53 * sum|terms| per output; with K <= 64 terms of magnitude <= 16 here that is
below 1e-10, so 1e-9 separates rounding from any wrong pad, axis or transpose (errors of
order 1).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the ONNX reader needs the [onnx] extra")

import torch  # noqa: E402
from onnx_graphs import build, node, reference_outputs  # noqa: E402

from fpxint_sim.models.onnx_source import load_onnx  # noqa: E402

FLOAT64_BOUND = 1e-9
RNG = np.random.default_rng(0)


def _w(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


# (id, nodes, inputs, outputs, initializers, opset)
ACCUMULATING = [
    ("conv_groups_strides_dilations_asymmetric_pads",
     [node("Conv", ["x", "w", "b"], ["y"], group=2, strides=[2, 1], dilations=[1, 2],
           pads=[1, 0, 2, 1])],
     [("x", (1, 4, 9, 9))], ["y"], {"w": _w(6, 2, 3, 3), "b": _w(6)}, 20),
    ("conv1d_same_lower",
     [node("Conv", ["x", "w"], ["y"], auto_pad="SAME_LOWER", strides=[2])],
     [("x", (2, 3, 10))], ["y"], {"w": _w(4, 3, 4)}, 20),
    ("conv_depthwise_same_upper",
     [node("Conv", ["x", "w"], ["y"], group=3, auto_pad="SAME_UPPER", strides=[2, 2])],
     [("x", (1, 3, 7, 8))], ["y"], {"w": _w(3, 1, 3, 3)}, 13),
    ("gemm_transA_transB_alpha_beta",
     [node("Gemm", ["a", "b", "c"], ["y"], transA=1, transB=1, alpha=0.5, beta=2.0)],
     [("a", (3, 5))], ["y"], {"b": _w(4, 3), "c": _w(4)}, 20),
    ("gemm_plain_weight_2d_bias",
     [node("Gemm", ["a", "b", "c"], ["y"])],
     [("a", (5, 3))], ["y"], {"b": _w(3, 4), "c": _w(5, 4)}, 20),
    ("gemm_linear_form",
     [node("Gemm", ["a", "b", "c"], ["y"], transB=1)],
     [("a", (5, 3))], ["y"], {"b": _w(4, 3), "c": _w(4)}, 11),
    ("matmul_weight_and_activations",
     [node("MatMul", ["x", "w"], ["h"]), node("Transpose", ["h"], ["ht"], perm=[0, 2, 1]),
      node("MatMul", ["h", "ht"], ["y"])],
     [("x", (2, 3, 4))], ["y"], {"w": _w(4, 5)}, 20),
    ("average_pools_and_global",
     [node("AveragePool", ["x"], ["p"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
      node("AveragePool", ["p"], ["q"], kernel_shape=[2, 2], strides=[2, 2],
           auto_pad="SAME_UPPER", count_include_pad=1),
      node("GlobalAveragePool", ["q"], ["y"])],
     [("x", (1, 2, 7, 7))], ["y", "q"], {}, 20),
    ("batchnorm_softmax_reducemean",
     [node("BatchNormalization", ["x", "s", "bb", "m", "v"], ["n"], epsilon=1e-3),
      node("Softmax", ["n"], ["sm"], axis=1),
      node("ReduceMean", ["sm", "axes"], ["y"], keepdims=0)],
     [("x", (2, 3, 4, 5))], ["y", "n"],
     {"s": _w(3), "bb": _w(3), "m": _w(3), "v": np.abs(_w(3)) + 0.5,
      "axes": np.array([1, 3], np.int64)}, 20),
    ("elementwise_functions",
     [node("Mul", ["x", "x"], ["sq"]), node("Sqrt", ["sq"], ["r"]),
      node("Pow", ["x", "two"], ["p"]), node("Sigmoid", ["x"], ["s"]),
      node("Tanh", ["x"], ["t"]), node("Div", ["p", "r"], ["d"])],
     [("x", (3, 4))], ["r", "p", "s", "t", "d"],
     {"two": np.array(2.0, np.float32)}, 20),
    ("opset11_softmax_reducemean_attributes",
     [node("Softmax", ["x"], ["s"], axis=2),
      node("ReduceMean", ["s"], ["y"], axes=[2], keepdims=1)],
     [("x", (2, 3, 4))], ["y", "s"], {}, 11),
]

EXACT = [
    ("relu_clip_add_sub_mul_div",
     [node("Relu", ["x"], ["r"]), node("Clip", ["x", "lo", "hi"], ["c"]),
      node("Add", ["x", "b"], ["a"]), node("Sub", ["a", "r"], ["s"]),
      node("Mul", ["s", "c"], ["m"]), node("Div", ["m", "b"], ["y"])],
     [("x", (2, 3, 4))], ["y", "r", "c"],
     {"lo": np.array(0.0, np.float32), "hi": np.array(0.5, np.float32), "b": _w(4)}, 20),
    ("maxpool_asymmetric_pads_and_dilation",
     [node("MaxPool", ["x"], ["p"], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1]),
      node("MaxPool", ["x"], ["q"], kernel_shape=[2, 2], dilations=[2, 2], pads=[1, 1, 1, 1])],
     [("x", (1, 2, 8, 8))], ["p", "q"], {}, 20),
    ("layout_reshape_transpose_concat_split_slice",
     [node("Reshape", ["x", "shape"], ["r"]),
      node("Transpose", ["r"], ["t"], perm=[2, 0, 1]),
      node("Concat", ["t", "t"], ["c"], axis=1),
      node("Split", ["c", "sizes"], ["s1", "s2"], axis=1),
      node("Slice", ["s2", "st", "en", "ax", "sp"], ["y"]),
      node("Flatten", ["x"], ["f"], axis=2)],
     [("x", (2, 3, 4))], ["y", "s1", "f"],
     {"shape": np.array([0, -1, 2], np.int64), "sizes": np.array([1, 3], np.int64),
      "st": np.array([-3, 0], np.int64), "en": np.array([100, -1], np.int64),
      "ax": np.array([1, -1], np.int64), "sp": np.array([2, 1], np.int64)}, 20),
    ("gather_squeeze_unsqueeze_equal_split",
     [node("Gather", ["x", "idx"], ["g"], axis=1),
      node("Gather", ["x", "one"], ["g1"], axis=2),
      node("Unsqueeze", ["g1", "uax"], ["u"]),
      node("Squeeze", ["u", "uax"], ["q"]),
      node("Split", ["x"], ["a", "b"], axis=2, num_outputs=2),
      node("Identity", ["a"], ["i"]), node("Dropout", ["b"], ["d"])],
     [("x", (2, 3, 5))], ["g", "q", "i", "d"],
     {"idx": np.array([[2, -1], [0, 1]], np.int64), "one": np.array(-2, np.int64),
      "uax": np.array([0, -1], np.int64)}, 20),
    ("shape_arithmetic_folded",
     [node("Shape", ["x"], ["sh"]), node("Gather", ["sh", "zero"], ["n"], axis=0),
      node("Unsqueeze", ["n", "zax"], ["n1"]), node("Concat", ["n1", "minus1"], ["ns"],
                                                      axis=0),
      node("Reshape", ["x", "ns"], ["r"]),
      node("ConstantOfShape", ["ns2"], ["ones"],
           value=onnx.helper.make_tensor("v", onnx.TensorProto.FLOAT, [1], [1.5])),
      node("Add", ["r", "ones"], ["y"]),
      node("Constant", [], ["k"], value_floats=[2.0, 3.0, 0.5]),
      node("Cast", ["sh"], ["shf"], to=onnx.TensorProto.FLOAT),
      node("Mul", ["k", "shf"], ["z"])],
     [("x", (2, 3, 4))], ["y", "z"],
     {"zero": np.array(0, np.int64), "zax": np.array([0], np.int64),
      "minus1": np.array([-1], np.int64), "ns2": np.array([2, 12], np.int64)}, 20),
    ("opset11_attribute_forms",
     [node("Unsqueeze", ["x"], ["u"], axes=[0]), node("Squeeze", ["u"], ["s"], axes=[0]),
      node("Split", ["s"], ["a", "b"], axis=1, split=[1, 2]),
      node("Slice", ["b", "st", "en"], ["y"]), node("Clip", ["a"], ["c"])],
     [("x", (2, 3, 4))], ["y", "c"],
     {"st": np.array([0, 1], np.int64), "en": np.array([1, 3], np.int64)}, 11),
]


def _feeds(inputs) -> dict:
    return {name: RNG.standard_normal(shape).astype(np.float32) for name, shape in inputs}


def _ours(model, feeds, tmp_path, double: bool):
    path = tmp_path / "m.onnx"
    onnx.save(model, path)
    shapes = ",".join("x".join(map(str, v.shape)) for v in feeds.values())
    module, _ = load_onnx(path, shapes)
    xs = [torch.from_numpy(v) for v in feeds.values()]
    if double:
        module, xs = module.double(), [x.double() for x in xs]
    with torch.no_grad():
        out = module(*xs)
    return [t.numpy() for t in (out if isinstance(out, tuple) else (out,))]


@pytest.mark.parametrize("case", ACCUMULATING, ids=[c[0] for c in ACCUMULATING])
def test_accumulating_ops_match_the_reference_in_float64(case, tmp_path):
    _, nodes, inputs, outputs, inits, opset = case
    feeds = _feeds(inputs)
    ours = _ours(build(nodes, inputs, outputs, inits, opset), feeds, tmp_path, double=True)
    twin = build(nodes, inputs, outputs, inits, opset, dtype=np.float64)
    ref = reference_outputs(twin, {k: v.astype(np.float64) for k, v in feeds.items()})
    for name, a, b in zip(outputs, ours, ref):
        assert a.shape == b.shape, name
        assert np.abs(a - b).max() <= FLOAT64_BOUND, name


@pytest.mark.parametrize("case", EXACT, ids=[c[0] for c in EXACT])
def test_layout_and_elementwise_ops_match_the_reference_exactly(case, tmp_path):
    _, nodes, inputs, outputs, inits, opset = case
    feeds = _feeds(inputs)
    ours = _ours(build(nodes, inputs, outputs, inits, opset), feeds, tmp_path, double=False)
    ref = reference_outputs(build(nodes, inputs, outputs, inits, opset), feeds)
    for name, a, b in zip(outputs, ours, ref):
        assert a.dtype == b.dtype and a.shape == b.shape, name
        assert np.array_equal(a, b), name


def test_embedding_lookup_of_token_ids(tmp_path):
    """Gather from a constant table by run-time ids is F.embedding (nn.Embedding's call); the
    default ids are bounded by the table's rows."""
    table = _w(11, 4)
    model = build([node("Gather", ["table", "ids"], ["y"])], [("ids", (2, 6), "int64")],
                  ["y"], {"table": table})
    path = tmp_path / "emb.onnx"
    onnx.save(model, path)
    module, (ids,) = load_onnx(path)
    assert ids.dtype == torch.int64 and ids.shape == (2, 6) and 0 <= ids.min() <= ids.max() < 11
    with torch.no_grad():
        assert torch.equal(module(ids), torch.from_numpy(table)[ids])
    ref = reference_outputs(model, {"ids": ids.numpy()})[0]
    assert np.array_equal(module(ids).numpy(), ref)


def test_erf_gelu_and_layernorm_follow_their_formulas(tmp_path):
    """The reference evaluator computes Erf, Gelu and LayerNormalization with float32 steps:
    these are checked in float64 against the spec's formulas (math.erf)."""
    x = (RNG.standard_normal((2, 3, 5)) * 3).astype(np.float32)
    g, b = _w(3, 5), _w(3, 5)
    model = build([node("Erf", ["x"], ["e"]), node("Gelu", ["x"], ["ge"]),
                   node("Gelu", ["x"], ["gt"], approximate="tanh"),
                   node("LayerNormalization", ["x", "g", "b"], ["ln"], axis=-2, epsilon=1e-3)],
                  [("x", x.shape)], ["e", "ge", "gt", "ln"], {"g": g, "b": b})
    e, ge, gt, ln = _ours(model, {"x": x}, tmp_path, double=True)
    xs = x.astype(np.float64)
    erf = np.vectorize(math.erf)
    assert np.abs(e - erf(xs)).max() <= FLOAT64_BOUND
    assert np.abs(ge - 0.5 * xs * (1 + erf(xs / math.sqrt(2)))).max() <= FLOAT64_BOUND
    tanh_form = 0.5 * xs * (1 + np.tanh(math.sqrt(2 / math.pi) * (xs + 0.044715 * xs**3)))
    assert np.abs(gt - tanh_form).max() <= FLOAT64_BOUND
    mean = xs.mean(axis=(1, 2), keepdims=True)
    var = ((xs - mean) ** 2).mean(axis=(1, 2), keepdims=True)
    expect = (xs - mean) / np.sqrt(var + 1e-3) * g.astype(np.float64) + b.astype(np.float64)
    assert np.abs(ln - expect).max() <= FLOAT64_BOUND


def test_softmax_before_opset_13_spans_every_axis_from_its_own(tmp_path):
    """Softmax-11 coerces the input to 2-D at `axis` (the reference evaluator does not): with
    axis=1 on (2, 3, 4) each of the 2 rows of 12 values sums to 1."""
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    (y,) = _ours(build([node("Softmax", ["x"], ["y"], axis=1)], [("x", x.shape)], ["y"],
                       opset=11), {"x": x}, tmp_path, double=True)
    flat = x.astype(np.float64).reshape(2, 12)
    expect = np.exp(flat - flat.max(1, keepdims=True))
    expect /= expect.sum(1, keepdims=True)
    assert np.abs(y - expect.reshape(2, 3, 4)).max() <= FLOAT64_BOUND
