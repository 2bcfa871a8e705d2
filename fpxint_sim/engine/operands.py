"""Which PE operand type carries each integer term, and the raw integers the PEs are fed.

A b-bit term goes into the narrowest operand type the accelerator lists that holds it:
- as stored: a signed term in int_w (w >= b), an unsigned term in uint_w (w >= b) or in
  int_w (w > b, zero-extended);
- offset (activations only, when no signed type fits): a signed term q in [-(2^(b-1)-1),
  2^(b-1)-1] is fed as q + 2^(b-1) in uint_w (w >= b) with zero point 2^(b-1), corrected in
  the epilogue like any zero point (how x86 fbgemm takes signed data: uint8 + zero point).
Anything else is refused with an InputError naming the layer and the hw file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fpxint_sim.errors import InputError
from fpxint_sim.hw.schema import Accelerator, bits_of


@dataclass(frozen=True)
class OperandChoice:
    """The PE operand type of a term and the offset added to its stored integers (0 or 2^(b-1))."""

    operand_type: str
    offset: int

    @property
    def bits(self) -> int:
        return bits_of(self.operand_type)

    @property
    def signed(self) -> bool:
        return not self.operand_type.startswith("u")


def _fits(bits: int, signed: bool, t: str) -> bool:
    width, t_signed = bits_of(t), not t.startswith("u")
    if signed:
        return t_signed and width >= bits
    return width >= bits if not t_signed else width > bits


def choose_operand(bits: int, signed: bool, types, allow_offset: bool) -> OperandChoice | None:
    """The narrowest listed type holding the term (as stored, else offset), or None."""
    fitting = sorted((bits_of(t), t) for t in types if _fits(bits, signed, t))
    if fitting:
        return OperandChoice(fitting[0][1], 0)
    if signed and allow_offset:
        unsigned = sorted((bits_of(t), t) for t in types
                          if t.startswith("u") and bits_of(t) >= bits)
        if unsigned:
            return OperandChoice(unsigned[0][1], 1 << (bits - 1))
    return None


def _where(hw: Accelerator) -> str:
    return hw.source_path or hw.name


def weight_operand(hw: Accelerator, layer: str, bits: int, signed: bool) -> OperandChoice:
    """Operand type of a weight term, or InputError naming the layer and the hw file."""
    return _operand(hw, layer, "weight", hw.arithmetic.weight_types, bits, signed, False)


def activation_operand(hw: Accelerator, layer: str, bits: int, signed: bool) -> OperandChoice:
    """Operand type of an activation term (a zero-point offset allowed), or InputError."""
    return _operand(hw, layer, "activation", hw.arithmetic.activation_types, bits, signed, True)


def _operand(hw: Accelerator, layer: str, role: str, types, bits: int, signed: bool,
             allow_offset: bool) -> OperandChoice:
    choice = choose_operand(bits, signed, types, allow_offset=allow_offset)
    if choice is None:
        kind = "int" if signed else "uint"
        raise InputError(f"{_where(hw)}: layer {layer}: {role} terms are {kind}{bits}, which "
                         f"no {role} type of this accelerator holds ({role}_types: "
                         f"{', '.join(types)})")
    return choice


def raw_activation(q: np.ndarray, zero_point: np.ndarray, choice: OperandChoice):
    """(raw integers as the PEs take them, zero point per row int64) of one activation term."""
    if choice.offset == 0:
        return q, zero_point.astype(np.int64)
    raw = (q.astype(np.int16) + choice.offset).astype(np.uint8)
    return raw, zero_point.astype(np.int64) + choice.offset
