"""The one operand rule: which PE operand type carries each integer term, and its zero points.

The bit-exact engine (fpxint_sim/engine) feeds the PEs by these functions and the cost model
(fpxint_sim/sim) charges rates, energy, traffic and zero-point corrections by them, so what
`run` costs is what the engine executes. A b-bit term goes into the narrowest listed type that
holds it:
- as stored: a signed term in int_w (w >= b), an unsigned term in uint_w (w >= b) or in
  int_w (w > b, zero-extended);
- offset (activations, and the held operand of an activation x activation product; never
  weights), when no type holds it as stored: a signed term q in [-(2^(b-1)-1), 2^(b-1)-1] is
  fed as q + 2^(b-1) in uint_w (w >= b) with zero point 2^(b-1), corrected in the epilogue
  like any zero point (how x86 fbgemm takes signed data: uint8 + zero point).
Anything else is refused with an InputError naming the layer and the hw file.

A job needs a zero-point correction on a side whose term has a zero point as stored
(an asymmetric term with a nonzero zero point) or is fed offset (`zero_point_corrected`).
"""

from __future__ import annotations

from dataclasses import dataclass

from fpxint_sim.errors import InputError
from fpxint_sim.hw.schema import Accelerator, bits_of


@dataclass(frozen=True, order=True)
class OperandChoice:
    """The PE operand type of a term and the offset added to its stored integers (0 or 2^(b-1))."""

    operand_type: str
    offset: int = 0

    @property
    def bits(self) -> int:
        return bits_of(self.operand_type)

    @property
    def signed(self) -> bool:
        return not self.operand_type.startswith("u")


@dataclass(frozen=True)
class TermType:
    """An integer term as the expansion made it: width, signedness, and whether its stored zero
    point is nonzero anywhere (then the epilogue corrects it, offset or not)."""

    bits: int
    signed: bool
    zero_point: bool = False


def zero_point_corrected(term: TermType, choice: OperandChoice) -> bool:
    """Whether the jobs of this term carry a zero-point correction on its side."""
    return term.zero_point or choice.offset != 0


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


def weight_operand(hw: Accelerator, layer: str | None, bits: int, signed: bool) -> OperandChoice:
    """Operand type of a weight term (as stored, no offset), or InputError."""
    return _operand(hw, layer, "weight", "weight", hw.arithmetic.weight_types, bits, signed,
                    False)


def activation_operand(hw: Accelerator, layer: str | None, bits: int,
                       signed: bool) -> OperandChoice:
    """Operand type of an activation term (a zero-point offset allowed), or InputError."""
    return _operand(hw, layer, "activation", "activation", hw.arithmetic.activation_types,
                    bits, signed, True)


def held_operand(hw: Accelerator, layer: str, bits: int, signed: bool) -> OperandChoice:
    """Operand type of a term of the held (b) operand of an activation x activation product:
    it stays in the array like a weight, so a weight type, offset allowed, or InputError."""
    return _operand(hw, layer, "the held operand's", "weight", hw.arithmetic.weight_types,
                    bits, signed, True)


def stationary_rule(kind: str):
    """The rule for the weight side (term i) of a layer of this kind ('act_matmul' or other)."""
    return held_operand if kind == "act_matmul" else weight_operand


def _operand(hw: Accelerator, layer: str | None, what: str, role: str, types, bits: int,
             signed: bool, allow_offset: bool) -> OperandChoice:
    """The choice, or InputError naming the hw file and the layer (None: before any layer)."""
    choice = choose_operand(bits, signed, types, allow_offset=allow_offset)
    if choice is None:
        kind = "int" if signed else "uint"
        where = _where(hw) if layer is None else f"{_where(hw)}: layer {layer}"
        raise InputError(f"{where}: {what} terms are {kind}{bits}, which "
                         f"no {role} type of this accelerator holds ({role}_types: "
                         f"{', '.join(types)})")
    return choice
