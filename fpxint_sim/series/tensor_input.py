"""Turn user tensors (numpy arrays, torch tensors, nested lists) into checked float64 arrays."""

import numpy as np

from fpxint_sim.errors import InputError


def as_float64(x, name: str = "tensor") -> np.ndarray:
    """float64 copy of x; one clear InputError for empty, non-numeric or non-finite input."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch tensor, without importing torch
        x = x.detach().cpu()
        if x.is_complex():
            raise InputError(f"{name}: complex values (dtype {x.dtype}); expand the real and "
                             "imaginary parts as two real tensors")
        x = x.double().numpy()
    try:
        arr = np.asarray(x)
        if arr.dtype.kind == "c" or (arr.dtype == object and any(
                isinstance(v, complex) for v in arr.reshape(-1)[:1_000_000])):
            raise InputError(f"{name}: complex values (dtype {arr.dtype}); expand the real and "
                             "imaginary parts as two real tensors")
        arr = np.array(arr, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{name}: cannot be read as a numeric tensor ({exc})") from None
    if arr.size == 0:
        raise InputError(f"{name}: empty tensor (shape {arr.shape}); nothing to expand")
    finite = np.isfinite(arr)
    if not finite.all():
        bad = np.argwhere(~finite)[0]
        n_nan = int(np.isnan(arr).sum())
        n_inf = int((~finite).sum()) - n_nan
        where = tuple(int(i) for i in bad)
        raise InputError(f"{name}: {n_nan} NaN and {n_inf} inf values (first at index {where})")
    return arr


def normalize_axis(axis, ndim: int, name: str = "tensor"):
    if axis is None:
        return None
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise InputError(f"{name}: axis must be an integer or None, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise InputError(f"{name}: axis {axis} is out of range for a {ndim}-d tensor")
    return int(axis) % ndim
