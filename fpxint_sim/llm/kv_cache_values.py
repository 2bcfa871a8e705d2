"""The KV cache with values, kept at a declared stored format (llm/formats.py, the cost side's).

Each decoder layer writes the K (after RoPE) and V rows of its new tokens, shaped
(batch, kv heads, tokens, head_dim); one row is one (token, kv head) vector of head_dim values.
On write a row is stored in the format; on read the whole cache is dequantized to float32,
and the attention products then treat it as any other activation.

    fp16 / bf16  each value rounded (RNE) to the 16-bit float, read back exactly as float32
    int8         one symmetric 8-bit term per row: the project's series code with one term
                 (series/expand.py expand_tensor, bits 8): scale s = the largest 24-bit-mantissa
                 float with 127 s <= max|row| ("free" scale policy), q = round-half-even(x / s)
    int4x<T>     a T-term symmetric INT4 series of each row, the same code with bits 4
    None         kept as computed (float32), nothing rounded: the reference point of the tests,
                 not a stored format of the cost side
Read value of an integer row = the series' float64 value (correctly rounded sum of
s_t q_t), rounded to float32. Rows are expanded independently (one scale per row), so a cache
filled token by token holds the terms that expanding all its rows at once gives.
"""

from __future__ import annotations

import numpy as np
import torch

from fpxint_sim.expansion_defaults import SCALE_POLICY
from fpxint_sim.llm.formats import StoredFormat
from fpxint_sim.series.expand import expand_tensor
from fpxint_sim.series.series import Series

FLOAT_DTYPES = {"fp16": torch.float16, "bf16": torch.bfloat16}


class StoredRows:
    """Rows (..., tokens, head_dim) appended chunk by chunk, kept in one stored format."""

    def __init__(self, fmt: StoredFormat | None, name: str):
        self.fmt, self.name = fmt, name
        self.chunks: list = []  # per write: a float tensor, or (Series of rows, lead shape)

    def append(self, x: torch.Tensor) -> None:
        x = x.detach()
        if self.fmt is None:
            self.chunks.append(x.clone())
        elif self.fmt.is_float:
            self.chunks.append(x.to(FLOAT_DTYPES[self.fmt.name]))
        else:
            rows = x.reshape(-1, x.shape[-1]).to(torch.float64).numpy()
            series = expand_tensor(rows, bits=self.fmt.bits, terms=self.fmt.terms,
                                   symmetric=True, axis=0, scale_policy=SCALE_POLICY,
                                   name=f"{self.name} ({self.fmt.name})")
            self.chunks.append((series, tuple(x.shape)))

    def series(self) -> list[Series]:
        """The stored series of every chunk (integer formats only)."""
        return [c[0] for c in self.chunks]

    def read(self) -> torch.Tensor:
        """Every stored row dequantized to float32 (None: as written), tokens in write order
        (dim -2)."""
        parts = []
        for c in self.chunks:
            if self.fmt is None:
                parts.append(c)
            elif isinstance(c, torch.Tensor):
                parts.append(c.to(torch.float32))
            else:
                series, shape = c
                parts.append(torch.from_numpy(series.value().astype(np.float32)).reshape(shape))
        return torch.cat(parts, dim=-2)

    @property
    def tokens(self) -> int:
        return sum((c.shape if isinstance(c, torch.Tensor) else c[1])[-2] for c in self.chunks)


class KVCache:
    """K and V of every decoder layer, in one stored format (None: float32, unrounded)."""

    def __init__(self, fmt: StoredFormat | None, layers: int):
        self.fmt = fmt
        self.k = [StoredRows(fmt, f"KV cache layer {i} K") for i in range(layers)]
        self.v = [StoredRows(fmt, f"KV cache layer {i} V") for i in range(layers)]

    @property
    def format_name(self) -> str:
        return "float32 (unrounded)" if self.fmt is None else self.fmt.name

    @property
    def tokens(self) -> int:
        return self.k[0].tokens if self.k else 0

    def write_read(self, layer: int, k: torch.Tensor, v: torch.Tensor):
        """Store the new rows of `layer`; its whole cache (K, V) as float32, new rows included."""
        self.k[layer].append(k)
        self.v[layer].append(v)
        return self.k[layer].read(), self.v[layer].read()
