"""The raw integers the PEs are fed for an activation term, given its operand choice.

Which operand type carries a term (and whether it is offset) is the one rule of
fpxint_sim/hw/operands.py, shared with the cost model; this file only applies it to the data.
"""

from __future__ import annotations

import numpy as np

from fpxint_sim.hw.operands import OperandChoice, TermType


def term_type(term) -> TermType:
    """The TermType of an expanded term (series.Term): width, signedness, nonzero zero point."""
    return TermType(int(term.bits), bool(term.signed), bool(np.any(term.zero_point)))


def raw_activation(q: np.ndarray, zero_point: np.ndarray, choice: OperandChoice):
    """(raw integers as the PEs take them, zero point per row int64) of one activation term."""
    if choice.offset == 0:
        return q, zero_point.astype(np.int64)
    raw = (q.astype(np.int16) + choice.offset).astype(np.uint8)
    return raw, zero_point.astype(np.int64) + choice.offset
