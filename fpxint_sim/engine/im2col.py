"""Patch matrices of raw conv inputs, padded with each image's zero point, in blocks of images.

Row m = (image, oy, ox), column k = (c * KH + r) * KW + s within a group: the reduction index of
kernels.conv2d, so a saturating accumulator adds the products in the same order. Blocks keep
a patch matrix near BLOCK_ELEMS values (no full im2col copy of a large layer).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

BLOCK_ELEMS = 1 << 22


def _out_size(size, k, s, p, d):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def patch_elems_per_image(x_shape, w_shape, stride, padding, dilation) -> int:
    """Patch-matrix values one image contributes (all groups)."""
    _, c, h, w = x_shape
    _, _, kh, kw = w_shape
    oh = _out_size(h, kh, stride[0], padding[0], dilation[0])
    ow = _out_size(w, kw, stride[1], padding[1], dilation[1])
    return oh * ow * c * kh * kw


def conv_windows(x: np.ndarray, zero: np.ndarray, kernel, stride, padding, dilation):
    """View (N, C, OH, OW, KH, KW) of x padded with zero[n] (per image) around each image."""
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    xp = np.empty((n, c, h + 2 * ph, w + 2 * pw), dtype=x.dtype)
    xp[...] = zero.astype(x.dtype).reshape(n, 1, 1, 1)
    xp[:, :, ph:ph + h, pw:pw + w] = x
    oh = _out_size(h, kh, sh, ph, dh)
    ow = _out_size(w, kw, sw, pw, dw)
    s = xp.strides
    return as_strided(xp, (n, c, oh, ow, kh, kw),
                      (s[0], s[1], s[2] * sh, s[3] * sw, s[2] * dh, s[3] * dw), writeable=False)


def group_patches(windows: np.ndarray, g: int, cg: int) -> np.ndarray:
    """Contiguous (N * OH * OW, cg * KH * KW) patch matrix of group g."""
    n, _, oh, ow, kh, kw = windows.shape
    part = windows[:, g * cg:(g + 1) * cg].transpose(0, 2, 3, 1, 4, 5)
    return np.ascontiguousarray(part).reshape(n * oh * ow, cg * kh * kw)
