"""conv2d == torch's float64 convolution (exact for these integers) and == gemm on im2col."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from kernel_reference import saturate_reference, wrap_reference
from kernel_strategies import IMPLS, RANGES

from fpxint_sim.errors import InputError
from fpxint_sim.kernels import conv2d


@st.composite
def conv_case(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    groups = draw(st.integers(1, 3))
    cg, og = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    h = draw(st.integers(dilation[0] * (kh - 1) + 1, 9))
    w = draw(st.integers(dilation[1] * (kw - 1) + 1, 9))
    (dx, xlo, xhi), (dw, wlo, whi) = draw(st.sampled_from(RANGES)), draw(st.sampled_from(RANGES))
    x = rng.integers(xlo, xhi + 1, (draw(st.integers(1, 2)), groups * cg, h, w)).astype(dx)
    wt = rng.integers(wlo, whi + 1, (groups * og, cg, kh, kw)).astype(dw)
    pad_value = int(rng.integers(xlo, xhi + 1))
    return x, wt, dict(stride=stride, padding=padding, dilation=dilation, groups=groups,
                       pad_value=pad_value)


def im2col_reference(x, w, stride, padding, dilation, groups, pad_value):
    """Full patch matrices per (image, group) by plain numpy, in OIHW reduction order."""
    n, c, h, wd = x.shape
    _, cg, kh, kw = w.shape
    xp = np.full((n, c, h + 2 * padding[0], wd + 2 * padding[1]), pad_value, dtype=np.int64)
    xp[:, :, padding[0]:padding[0] + h, padding[1]:padding[1] + wd] = x
    oh = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    cols = {}
    for i in range(n):
        for g in range(groups):
            rows = []
            for ci in range(g * cg, (g + 1) * cg):
                for r in range(kh):
                    for s in range(kw):
                        y0, x0 = r * dilation[0], s * dilation[1]
                        patch = xp[i, ci, y0:y0 + stride[0] * oh:stride[0],
                                   x0:x0 + stride[1] * ow:stride[1]]
                        rows.append(patch.reshape(-1))
            cols[i, g] = np.stack(rows)
    return cols, oh, ow


@pytest.mark.parametrize("impl", IMPLS)
@given(case=conv_case())
def test_conv2d_equals_torch_float64_conv(impl, case):
    x, w, kw = case
    out, events = conv2d(x, w, acc_bits=64, impl=impl, **kw)
    p = kw["padding"]
    xpad = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])),
                  constant_values=kw["pad_value"])
    ref = torch.nn.functional.conv2d(torch.from_numpy(xpad), torch.from_numpy(w.astype(np.float64)),
                                     stride=kw["stride"], dilation=kw["dilation"],
                                     groups=kw["groups"])
    np.testing.assert_array_equal(out, ref.numpy().astype(np.int64))
    assert events.overflow == 0 and events.outputs == out.size


@given(case=conv_case(), acc_bits=st.sampled_from([16, 17, 20]),
       k_tile=st.one_of(st.none(), st.integers(1, 9)), saturate=st.booleans())
def test_conv2d_accumulators_equal_reference_on_patch_matrices(case, acc_bits, k_tile, saturate):
    x, w, kw = case
    mode = "saturate" if saturate else "wrap"
    out, events = conv2d(x, w, acc_bits=acc_bits, overflow=mode, k_tile=k_tile, **kw)
    cols, oh, ow = im2col_reference(x, w, **kw)
    og = w.shape[0] // kw["groups"]
    n_events = 0
    for (i, g), col in cols.items():
        wm = w[g * og:(g + 1) * og].reshape(og, -1)
        if saturate:
            ref, ev, _ = saturate_reference(wm, col, acc_bits, k_tile)
        else:
            ref, ev = wrap_reference(wm, col, acc_bits)
        n_events += ev
        np.testing.assert_array_equal(out[i, g * og:(g + 1) * og], ref.reshape(og, oh, ow))
    assert events.overflow == n_events


def test_conv2d_rejects_mismatched_groups():
    with pytest.raises(InputError):
        conv2d(np.zeros((1, 4, 5, 5), np.int8), np.zeros((2, 3, 3, 3), np.int8), groups=2)
