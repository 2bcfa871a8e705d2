"""How a stored operand (weights or the KV cache) is kept: 16-bit float, INT8, or INT4 terms.

'fp16' (or 'bf16'): 16 bits per element, used as is by 16-bit float MACs.
'int8': one 8-bit integer per element (plus a scale per row, not counted: negligible).
'int4xT': T INT4 terms per element (FP=xINT expansion), 4T bits per element; 'int4' = 'int4x1'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fpxint_sim.errors import InputError

MAX_TERMS = 6


@dataclass(frozen=True)
class StoredFormat:
    name: str
    bits: int  # per term
    terms: int
    is_float: bool

    @property
    def bits_per_element(self) -> int:
        """Bits one element occupies in memory (all its terms)."""
        return self.bits * self.terms


def parse_format(text: str, what: str) -> StoredFormat:
    """'fp16', 'bf16', 'int8', 'int4' or 'int4x<T>' (T = 1..6); `what` names the option."""
    t = text.strip().lower()
    if t in ("fp16", "bf16"):
        return StoredFormat(t, 16, 1, True)
    if t == "int8":
        return StoredFormat(t, 8, 1, False)
    m = re.fullmatch(r"int4(?:x(\d+))?", t)
    if m:
        terms = int(m.group(1) or 1)
        if 1 <= terms <= MAX_TERMS:
            return StoredFormat(f"int4x{terms}", 4, terms, False)
    raise InputError(f"{what}: '{text}' is not a stored format; use fp16, bf16, int8 or "
                     f"int4x<T> with T = 1..{MAX_TERMS}")
