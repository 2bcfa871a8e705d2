"""conv3d and transposed conv2d as an exact integer GEMM between data-movement / col2im ops.

- conv3d (groups 1): patches (N, Do*Ho*Wo, C*kd*kh*kw) of the zero-padded input (data
  movement, ATen's 'same' rule for string padding) -> nn.Linear with the weight flattened in
  the same (c, kd, kh, kw) order -> (N, O, Do, Ho, Wo). The job is the conv's true GEMM:
  M = N Do Ho Wo, K = C kd kh kw, N = O.
- conv_transpose2d (groups 1): input pixels as rows (N, H*W, Cin) -> nn.Linear with
  W (Cin, Cout, kh, kw) as (Cout*kh*kw, Cin) -> col2im (F.fold: the overlapping
  contributions added, a vector op) -> + bias. The job is the transposed conv's true GEMM,
  M = N H W, K = Cin, N = Cout kh kw, with no inserted zeros.
Both change only the float summation order of the original op (values agree within the
rounding of a K-term sum, not bit for bit); the integer jobs stay exact.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import fx

from fpxint_sim.capture.graph_modules import (
    constant_tensor,
    module_path_for,
    register_module,
    register_tensor,
)
from fpxint_sim.capture.node_args import call_args, replace_node
from fpxint_sim.capture.op_names import node_shape
from fpxint_sim.capture.rewrite_conv import same_padding
from fpxint_sim.capture.rewrite_linear import linear_module


def conv3d_patches(x, kernel, stride, dilation, pads):
    """(N, Do*Ho*Wo, C*kd*kh*kw) patches of x padded by `pads` (F.pad order), k-major last."""
    x = F.pad(x, pads)
    for dim, (k, s, d) in enumerate(zip(kernel, stride, dilation), start=2):
        x = x.unfold(dim, d * (k - 1) + 1, s)[..., ::d]
    n, _, do, ho, wo = x.shape[:5]
    return x.permute(0, 2, 3, 4, 1, 5, 6, 7).reshape(n, do * ho * wo, -1)


def patches_to_volume(y, out_dhw):
    """(N, Do*Ho*Wo, O) -> (N, O, Do, Ho, Wo)."""
    n, _, o = y.shape
    return y.reshape(n, *out_dhw, o).permute(0, 4, 1, 2, 3)


def pixels_as_rows(x):
    """(N, C, H, W) -> (N, H*W, C)."""
    n, c = x.shape[:2]
    return x.reshape(n, c, -1).transpose(1, 2)


def transposed_conv_col2im(cols, bias, output_size, kernel, dilation, padding, stride):
    """col2im of (N, L, Cout*kh*kw) rows: overlapping contributions added, then the bias."""
    y = F.fold(cols.transpose(1, 2), output_size, kernel, dilation, padding, stride)
    return y if bias is None else y + bias.reshape(1, -1, 1, 1)


def _ints(v, n):
    v = [v] if isinstance(v, int) else list(v)
    return tuple(int(e) for e in (v * n if len(v) == 1 else v))


def rewrite_conv3d(gm: fx.GraphModule, node: fx.Node, name: str) -> bool:
    """conv3d (groups 1, zero or 'same'/'valid' padding) -> patches -> Linear -> volume."""
    if node.op != "call_function" or name != "conv3d":
        return False
    a = call_args(node, ("input", "weight", "bias", "stride", "padding", "dilation", "groups"),
                  {"bias": None, "stride": 1, "padding": 0, "dilation": 1, "groups": 1})
    w, b = constant_tensor(gm, a["weight"]), constant_tensor(gm, a["bias"])
    xs, ys = node_shape(a["input"]), node_shape(node)
    if w is None or w.dim() != 5 or a["groups"] != 1 or xs is None or len(xs) != 5 \
            or ys is None or (a["bias"] is not None and b is None):
        return False
    kernel = tuple(w.shape[2:])
    stride, dilation = _ints(a["stride"], 3), _ints(a["dilation"], 3)
    if a["padding"] == "same":
        left, right = same_padding(kernel, dilation)
    elif a["padding"] == "valid":
        left = right = [0, 0, 0]
    else:
        left = right = list(_ints(a["padding"], 3))
    pads = [p for lo, hi in reversed(list(zip(left, right))) for p in (lo, hi)]
    path = register_module(gm, module_path_for(node, a["weight"]),
                           linear_module(w.reshape(w.shape[0], -1), b), node)
    g = gm.graph
    with g.inserting_before(node):
        p = g.call_function(conv3d_patches, (a["input"], kernel, stride, dilation, pads))
        y = g.call_module(path, (p,))
        out = g.call_function(patches_to_volume, (y, tuple(ys[2:])))
    replace_node(g, node, out)
    return True


def rewrite_conv_transpose2d(gm: fx.GraphModule, node: fx.Node, name: str) -> bool:
    """conv_transpose2d (groups 1) -> pixels as rows -> Linear -> col2im + bias."""
    if node.op != "call_function" or name != "conv_transpose2d":
        return False
    a = call_args(node, ("input", "weight", "bias", "stride", "padding", "output_padding",
                         "groups", "dilation"),
                  {"bias": None, "stride": 1, "padding": 0, "output_padding": 0, "groups": 1,
                   "dilation": 1})
    w, b = constant_tensor(gm, a["weight"]), constant_tensor(gm, a["bias"])
    xs, ys = node_shape(a["input"]), node_shape(node)
    if w is None or w.dim() != 4 or a["groups"] != 1 or xs is None or len(xs) != 4 \
            or ys is None or (a["bias"] is not None and b is None):
        return False
    cin, cout, kh, kw = w.shape
    owner = module_path_for(node, a["weight"])
    path = register_module(gm, owner, linear_module(w.reshape(cin, cout * kh * kw).t(), None),
                           node)
    g = gm.graph
    with g.inserting_before(node):
        # the bias is added after col2im: kept as a root tensor (the holder may be replaced)
        bias = None if b is None else g.get_attr(register_tensor(gm, f"{owner}_bias", b))
        rows = g.call_function(pixels_as_rows, (a["input"],))
        cols = g.call_module(path, (rows,))
        out = g.call_function(transposed_conv_col2im, (
            cols, bias, tuple(ys[2:]), (kh, kw), _ints(a["dilation"], 2),
            _ints(a["padding"], 2), _ints(a["stride"], 2)))
    replace_node(g, node, out)
    return True
