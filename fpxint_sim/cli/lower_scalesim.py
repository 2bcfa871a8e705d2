"""`lower --format scalesim`: a lowered network as a SCALE-Sim topology CSV, so that SCALE-Sim (or
`fpxint-sim run --topology`) can be run on exactly the GEMMs fpxint_sim costed.

Rows: one per conv/linear layer call (the float layer: one job's GEMM), or with `jobs=True` one
per integer job (i, j) of it. A grouped convolution runs its groups one after another as separate
jobs (as `run --model` costs it), so it gives one row per group, `<layer>.g<k>`.

Which rows. A SCALE-Sim file is read either as convolutions or as GEMMs (its `-i gemm` flag),
never mixed, so:
* a convolution of one image (batch 1), square stride, no dilation is a conv row: its ifmap is
  the part of the padded input that the windows reach, k + s (Ho - 1) (SCALE-Sim's rows give the
  padded size, and its ofmap formula would count a partial last window PyTorch drops); C and
  filters are those of one group;
* everything else is the conv-row form of its GEMM, `name, M, K, 1, K, 1, N, 1` (SCALE-Sim's own
  conversion of a GEMM row: same M, K, N, so the same cycles). That covers Linear layers, and
  convolutions of a batch (a conv row holds one image: M = batch x Ho x Wo needs the GEMM form);
* a network with no conv row is written as a GEMM file, `name, M, N, K`.
Names are made safe for SCALE-Sim: no commas or spaces, and 'DP' (SCALE-Sim's depthwise marker,
which would split the row per channel) is written 'D_P'.
"""

from __future__ import annotations

import re

CONV_HEADER = ("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
               "Num Filter, Strides,")
GEMM_HEADER = "Layer name, M, N, K,"


def safe_name(name: str) -> str:
    """A layer name SCALE-Sim reads back unchanged and does not split as depthwise."""
    return re.sub(r"[,\s]", "_", name).replace("DP", "D_P")


def _conv_row(layer, forward) -> list[int] | None:
    """(ifmap_h, ifmap_w, kh, kw, channels, filters, stride) of one group, or None when a conv
    row cannot hold this call (a batch, a non-square stride, a dilation)."""
    conv = layer.conv
    if conv is None or forward.input_shape[0] != 1 or conv.dilation != (1, 1):
        return None
    if conv.stride[0] != conv.stride[1]:
        return None
    channels, (oh, ow) = forward.input_shape[1], forward.output_shape[2:]
    (kh, kw), s = conv.kernel, conv.stride[0]
    # The padded input rows and columns the windows reach: SCALE-Sim's ofmap size
    # ceil((H - k + s) / s) would count a last partial window that PyTorch drops.
    return [kh + s * (oh - 1), kw + s * (ow - 1), kh, kw, channels // conv.groups,
            layer.out_features // conv.groups, s]


def _calls(net, jobs: bool):
    """(row name, conv row or None, per-group GEMM (m, k, n)) for every row, in run order."""
    for layer in net.layers:
        for f, forward in enumerate(layer.forwards):
            base = layer.name if f == 0 else f"{layer.name}#{f + 1}"
            g = forward.gemm
            gemm = (g.m, g.k, g.n // g.groups)
            conv = _conv_row(layer, forward)
            names = [f"{base}.w{i}a{j}" for i, j in forward.jobs] if jobs else [base]
            for name in names:
                for group in range(g.groups):
                    suffix = f".g{group}" if g.groups > 1 else ""
                    yield safe_name(name + suffix), conv, gemm


def scalesim_topology(net, jobs: bool = False) -> str:
    """The SCALE-Sim topology CSV text of a NetworkIR (rules: module docstring)."""
    calls = list(_calls(net, jobs))
    if any(conv is not None for _, conv, _ in calls):
        rows = [CONV_HEADER]
        for name, conv, (m, k, n) in calls:
            cells = conv if conv is not None else [m, k, 1, k, 1, n, 1]
            rows.append(", ".join([name, *map(str, cells)]) + ",")
    else:
        rows = [GEMM_HEADER, *(f"{name}, {m}, {n}, {k}," for name, _, (m, k, n) in calls)]
    return "\n".join(rows) + "\n"
