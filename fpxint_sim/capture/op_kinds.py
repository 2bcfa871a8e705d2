"""What kind of work each graph op is: an integer job, a vector-unit op, data movement.

Ops are named by their canonical name (capture/op_names.py): the ATen packet name for exported
graphs ("linear", "add", "_safe_softmax"), the function or method name for torch.fx graphs.
"""

from __future__ import annotations

INTEGER = "integer"
VECTOR = "vector"
DATA = "data"
UNHANDLED = "unhandled"

# Ops whose work is a GEMM or convolution: each must become an expanded layer (integer jobs).
INTEGER_ELIGIBLE = frozenset({
    "linear", "addmm", "mm", "bmm", "matmul", "baddbmm", "einsum", "conv1d", "conv2d",
    "conv3d", "convolution", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "scaled_dot_product_attention", "act_matmul", "multi_head_attention", "lstm", "gru",
    "rnn_tanh", "rnn_relu", "bilinear"})

# Element-wise, reduction, normalization and lookup ops: run in float on the vector unit.
VECTOR_OPS = frozenset({
    "add", "sub", "rsub", "mul", "div", "neg", "abs", "pow", "sqrt", "rsqrt", "exp", "log",
    "erf", "tanh", "sigmoid", "relu", "relu6", "gelu", "silu", "hardtanh", "hardswish",
    "hardsigmoid", "leaky_relu", "elu", "softplus", "mish", "softmax", "_softmax",
    "_safe_softmax", "log_softmax", "layer_norm", "rms_norm", "batch_norm", "group_norm",
    "instance_norm", "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d",
    "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
    "adaptive_max_pool2d", "mean", "sum", "var", "std", "amax", "amin", "max", "min",
    "maximum", "minimum", "clamp", "clamp_min", "clamp_max", "where", "masked_fill", "cos",
    "sin", "reciprocal", "embedding", "cumsum", "logical_not", "eq", "ne", "lt", "le", "gt",
    "ge", "floordiv", "truediv", "attention_mask_to_float", "causal_attention_mask",
    "square", "norm", "transposed_conv_col2im", "col2im", "fold",
    "argmax", "topk", "logsumexp", "sign", "round", "floor", "ceil",
    "iadd", "imul", "__and__", "__or__", "__invert__", "bitwise_and", "bitwise_or",
    "bitwise_not", "logical_and", "logical_or"})

# Layout and bookkeeping: no arithmetic (free, or DRAM/SRAM traffic on an accelerator).
# Pointwise activations an accelerator applies to a layer's output as its epilogue writes it
# (TPU activation pipeline, NVDLA SDP): fused when they are the only reader of an integer job.
EPILOGUE_ACTIVATIONS = frozenset({
    "relu", "relu6", "clamp", "clamp_min", "hardtanh", "leaky_relu", "gelu", "silu",
    "sigmoid", "tanh", "hardsigmoid", "hardswish", "elu", "mish", "softplus"})
DATA_OPS = frozenset({
    "view", "reshape", "_unsafe_view", "permute", "transpose", "t", "contiguous", "flatten",
    "unflatten", "unsqueeze", "squeeze", "cat", "concat", "stack", "split", "split_with_sizes",
    "chunk", "unbind", "select", "slice", "narrow", "expand", "expand_as", "getitem", "clone",
    "to", "_to_copy", "type_as", "detach", "detach_", "alias", "lift_fresh_copy", "dropout",
    "identity", "pad", "constant_pad_nd", "reflection_pad1d", "reflection_pad2d",
    "replication_pad1d", "replication_pad2d", "repeat", "repeat_interleave", "index_select",
    "gather", "roll", "flip", "zeros", "zeros_like", "ones", "ones_like", "full", "full_like",
    "empty", "arange", "tril", "triu", "scalar_tensor", "sym_size", "size", "dim", "float",
    "int", "long", "bool", "type", "_guards_fn", "GuardsFn", "_assert_tensor_metadata",
    "_assert_scalar",
    "sym_constrain_range_for_size", "new_zeros", "new_ones", "new_full", "movedim",
    "_assert_async", "index", "setitem", "copy_", "fill_", "masked_select", "im2col", "unfold",
    "conv3d_patches", "patches_to_volume", "pixels_as_rows"})


def base_name(name: str) -> str:
    """The op an in-place variant stands for (masked_fill_ -> masked_fill, add_ -> add)."""
    if name.endswith("_") and not name.startswith("_") and name not in DATA_OPS:
        return name[:-1]
    return name


def kind_of(name: str) -> tuple[str, str]:
    """(kind, reason) of a canonical op name not yet rewritten; reason is "" unless unhandled.

    An in-place variant (masked_fill_, add_) has the kind of its op."""
    name = base_name(name)
    if name in INTEGER_ELIGIBLE:
        return UNHANDLED, f"integer-eligible {name} stayed float (no rule rewrote it)"
    if name in VECTOR_OPS:
        return VECTOR, ""
    if name in DATA_OPS:
        return DATA, ""
    return UNHANDLED, f"no kind known for op {name!r}"
