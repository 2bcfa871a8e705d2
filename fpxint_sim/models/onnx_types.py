"""ONNX element types and tensors as torch dtypes and tensors.

Floating tensors are read as float32, the dtype every model of the emulator runs in (a
float16 or float64 file gives the same model at float32).
"""

from __future__ import annotations

import numpy as np
import torch

from fpxint_sim.errors import InputError

# TensorProto.DataType numbers -> (torch dtype as read, bytes per element in the file)
_TYPES = {
    1: (torch.float32, 4), 2: (torch.uint8, 1), 3: (torch.int8, 1), 5: (torch.int16, 2),
    6: (torch.int32, 4), 7: (torch.int64, 8), 9: (torch.bool, 1), 10: (torch.float32, 2),
    11: (torch.float32, 8), 16: (torch.float32, 2), 4: (torch.int32, 2), 12: (torch.int64, 4),
}
_FLOAT_TYPES = {1, 10, 11, 16}


def torch_dtype(elem_type: int) -> torch.dtype:
    if elem_type not in _TYPES:
        raise ValueError(f"element type {elem_type} is not read (float, int and bool types are)")
    return _TYPES[elem_type][0]


def element_bytes(elem_type: int) -> int:
    """Bytes of one element as stored; 8 for an unknown type, to bound before refusing it."""
    return _TYPES.get(elem_type, (None, 8))[1]


def is_float_type(elem_type: int) -> bool:
    return elem_type in _FLOAT_TYPES


def to_torch(tensor_proto, where: str) -> torch.Tensor:
    """A TensorProto (data loaded) as a torch tensor of its read dtype."""
    from onnx import numpy_helper

    try:
        dtype = torch_dtype(tensor_proto.data_type)
        array = np.array(numpy_helper.to_array(tensor_proto))
    except Exception as e:
        text = str(e).strip().splitlines()
        raise InputError(f"{where}: tensor {tensor_proto.name!r} cannot be read "
                         f"({type(e).__name__}: {text[0] if text else ''})") from None
    if array.dtype.kind == "f" or array.dtype.name == "bfloat16":
        array = array.astype(np.float32)
    return torch.from_numpy(array.copy(order="C")).to(dtype)  # 0-d stays 0-d
