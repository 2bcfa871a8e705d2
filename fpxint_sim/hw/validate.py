"""Turn a parsed YAML mapping into an Accelerator, or raise one InputError naming file, line, key.

Checks, in order: unknown keys (with the closest valid key suggested), missing required keys,
types, sizes/rates > 0 and energies >= 0, then the semantic rules (dataflow, operand types,
per-precision tables, accumulator width and overflow mode, pair_saturate_int16 operands, the
w4a16 section's activation format, MAC kind, accumulator format and accumulation order).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import types
import typing

from fpxint_sim.errors import InputError
from fpxint_sim.hw import schema
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.hw.technology import apply_technology
from fpxint_sim.hw.w4a16_energy import apply_w4a16_technology
from fpxint_sim.tech import memory, nodes

Lines = dict[tuple[str, ...], int]
MAX_DRAM_CHANNELS = 64


class _Where:
    """Formats error messages as `file:line: key 'a.b': problem`."""

    def __init__(self, path: str, lines: Lines):
        self.path, self.lines = path, lines

    def error(self, key: tuple[str, ...], problem: str) -> InputError:
        line, parent = self.lines.get(key), key
        while line is None and len(parent) > 1:  # a missing key: point at its section
            parent = parent[:-1]
            line = self.lines.get(parent)
        loc = f"{self.path}:{line}" if line else self.path
        return InputError(f"{loc}: key '{'.'.join(key)}': {problem}")


def _suggest(key: str, valid: typing.Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest valid key, or ''."""
    close = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


# Every number of a description lies in [-MAX_MAGNITUDE, MAX_MAGNITUDE], and a value that must
# be > 0 (sizes, rates, the clock: divisors of the model) is at least MIN_POSITIVE. Then no
# product or quotient in the performance model leaves float64: latency = cycles / clock stays
# below 1e15 * 1e6, and energies below 1e15 * 1e12 MACs.
MAX_MAGNITUDE = 1e12
MIN_POSITIVE = 1e-6


def _check_number(value, kind: type, key, where: _Where, minimum: str | None):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise where.error(key, f"expected a number, got {type(value).__name__} "
                          f"{_short(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise where.error(key, f"expected a finite number, got {value!r}")
    if abs(value) > MAX_MAGNITUDE:  # also a 400-digit integer, which float() cannot take
        raise where.error(key, f"{_short(value)} is out of range (|value| <= {MAX_MAGNITUDE:g})")
    if kind is int and not float(value).is_integer():
        raise where.error(key, f"expected an integer, got {value!r}")
    if minimum == "positive" and value <= 0:
        raise where.error(key, f"must be > 0, got {value!r}")
    if minimum == "positive" and value < MIN_POSITIVE:
        raise where.error(key, f"{value!r} is too small (a value > 0 must be >= {MIN_POSITIVE:g})")
    if minimum == "non-negative" and value < 0:
        raise where.error(key, f"must be >= 0, got {value!r}")
    return kind(value)


def _short(value) -> str:
    """repr of a user value cut to 60 characters, for error lines."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _coerce(value, hint, key, where: _Where, minimum: str | None):
    """Check one value against its dataclass annotation and return it in the field's type."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is bool:
        if not isinstance(value, bool):
            raise where.error(key, f"expected true or false, got {_short(value)}")
        return value
    if hint in (int, float):
        return _check_number(value, hint, key, where, minimum)
    if hint is str:
        if not isinstance(value, str):
            raise where.error(key, f"expected text, got {type(value).__name__} {_short(value)}")
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        return _coerce(value, next(a for a in args if a is not type(None)), key, where, minimum)
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise where.error(key, f"expected a list of names, got {_short(value)}")
        if not value:
            raise where.error(key, "must not be empty")
        return tuple(value)
    if origin is dict:
        if not isinstance(value, dict) or not value:
            raise where.error(key, f"expected a mapping like {{int8: 1}}, got {_short(value)}")
        minimum = "positive" if args[1] is int else "non-negative"
        return {str(k): _check_number(v, args[1], (*key, str(k)), where, minimum)
                for k, v in value.items()}
    raise TypeError(f"schema annotation not handled: {hint!r}")  # a bug in schema.py, not input


def _build(cls, raw, prefix: tuple[str, ...], where: _Where, skip=(), nested=()):
    """Keyword arguments for dataclass `cls` from mapping `raw`, checking keys, types, minimums.

    `skip`: fields that may not be given; `nested`: valid keys checked by the caller.
    """
    if not isinstance(raw, dict):
        raise where.error(prefix, f"expected a mapping of keys, got {_short(raw)}")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}
    hints = typing.get_type_hints(cls)
    for key in raw:
        if key not in fields and key not in nested:
            raise where.error((*prefix, str(key)), "unknown key" + _elsewhere(str(key), prefix)
                              + _suggest(str(key), fields))
    kwargs = {}
    for name, f in fields.items():
        if name in nested:
            continue
        if name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise where.error((*prefix, name), "missing required key")
            continue
        kwargs[name] = _coerce(raw[name], hints[name], (*prefix, name), where,
                               f.metadata.get("minimum"))
    return kwargs


def _elsewhere(key: str, prefix: tuple[str, ...]) -> str:
    """' (it belongs in section 'x')' when the key is valid in another section."""
    for section, cls in schema.SECTIONS.items():
        if (section,) != prefix and key in {f.name for f in dataclasses.fields(cls)}:
            return f" here (it belongs in section '{section}')"
    if prefix and key in schema.TOP_LEVEL_KEYS:
        return " here (it belongs at the top level)"
    return ""


def _check_arithmetic(a: schema.ArithmeticSpec, where: _Where, mac_energy_given: bool) -> None:
    """Semantic rules of the arithmetic section (mac_energy_pj only when the description gives
    it: otherwise the technology table fills it)."""
    key = ("arithmetic",)
    for role in ("weight_types", "activation_types"):
        for t in getattr(a, role):
            if t not in schema.OPERAND_TYPES:
                raise where.error((*key, role), f"unsupported operand type '{t}'; supported: "
                                  + ", ".join(schema.OPERAND_TYPES)
                                  + _suggest(t, schema.OPERAND_TYPES))
    needed = {schema.precision_of(b) for b in a.supported_bits()}
    for table in ("macs_per_pe_per_cycle", "mac_energy_pj")[:2 if mac_energy_given else 1]:
        entries = getattr(a, table)
        for k in entries:
            if k not in schema.PRECISIONS:
                raise where.error((*key, table, k), "unsupported precision; supported: "
                                  + ", ".join(schema.PRECISIONS) + _suggest(k, schema.PRECISIONS))
        for k in sorted(needed - set(entries)):
            raise where.error((*key, table), f"no entry for {k}, which the operand types use")
    if a.accumulator_bits not in schema.ACCUMULATOR_BITS:
        raise where.error((*key, "accumulator_bits"),
                          f"unsupported width {a.accumulator_bits}; supported: 16..32 or 64")
    if a.accumulator_overflow not in schema.OVERFLOW_MODES:
        raise where.error((*key, "accumulator_overflow"),
                          f"'{a.accumulator_overflow}' is not one of wrap, saturate"
                          + _suggest(a.accumulator_overflow, schema.OVERFLOW_MODES))
    if a.pair_saturate_int16 and not ("uint8" in a.activation_types and "int8" in a.weight_types):
        raise where.error((*key, "pair_saturate_int16"), "models x86 vpmaddubsw (uint8 x int8 "
                          "pairs): needs uint8 in activation_types and int8 in weight_types")


def build_accelerator(raw, path: str, lines: Lines | None = None) -> Accelerator:
    """Validate a parsed description (top-level mapping) and return the Accelerator."""
    where = _Where(path, lines or {})
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a mapping of sections at the top level, got "
                         f"{type(raw).__name__}")
    top = _build(Accelerator, raw, (), where, skip=schema.NOT_IN_YAML, nested=schema.SECTIONS)
    for section, cls in schema.SECTIONS.items():
        if section in raw:
            top[section] = cls(**_build(cls, raw[section], (section,), where))
    if "array" not in top:
        raise where.error(("array",), "missing required section")
    if top["array"].dataflow not in schema.DATAFLOWS:
        df = top["array"].dataflow
        raise where.error(("array", "dataflow"), f"unsupported dataflow '{df}'; supported: "
                          "ws, os, is" + _suggest(df, schema.DATAFLOWS))
    arith = raw.get("arithmetic")
    _check_arithmetic(top.get("arithmetic", schema.ArithmeticSpec()), where,
                      isinstance(arith, dict) and "mac_energy_pj" in arith)
    if "w4a16" in top:
        _check_w4a16(top["w4a16"], where)
    hw = Accelerator(**top, source_path=path)
    _check_technology(hw, where)
    return apply_w4a16_technology(apply_technology(hw, raw, where.error), raw)


def _check_w4a16(w: schema.W4A16Spec, where: _Where) -> None:
    """Named choices of the weight-only (W4A16) section."""
    if w.accumulator_format in schema.REFUSED_ACCUMULATOR_FORMATS:
        raise where.error(("w4a16", "accumulator_format"),
                          f"'{w.accumulator_format}' accumulators are not supported: the "
                          "values are emulated bit for bit only with an fp32 accumulator (no "
                          "exact model of a narrow float adder is built); use fp32")
    for key, value, allowed in (("activation_format", w.activation_format, schema.FLOAT_FORMATS),
                                ("w4a16_mac", w.w4a16_mac, schema.W4A16_MACS),
                                ("accumulator_format", w.accumulator_format,
                                 schema.ACCUMULATOR_FORMATS),
                                ("accumulation_order", w.accumulation_order,
                                 schema.ACCUMULATION_ORDERS)):
        if value not in allowed:
            raise where.error(("w4a16", key), f"'{value}' is not one of {', '.join(allowed)}"
                              + _suggest(value, allowed))


def _check_technology(hw: Accelerator, where: _Where) -> None:
    """Node, DRAM type and the bounds of the SRAM/DRAM organisation keys."""
    if hw.technology_node_nm not in nodes.NODES_NM:
        raise where.error(("technology_node_nm",), f"unsupported node {hw.technology_node_nm} "
                          "nm; supported: " + ", ".join(str(n) for n in nodes.NODES_NM))
    if hw.dram_type not in memory.DRAM_TYPES:
        raise where.error(("dram_type",), f"unknown DRAM type '{hw.dram_type}'; supported: "
                          + ", ".join(memory.DRAM_TYPES) + _suggest(hw.dram_type,
                                                                    memory.DRAM_TYPES))
    bounds = ((("sram", "sram_banks"), hw.sram.sram_banks, memory.MAX_SRAM_BANKS),
              (("dram", "dram_channels"), hw.dram.dram_channels, MAX_DRAM_CHANNELS))
    for key, value, most in bounds:
        if value > most:
            raise where.error(key, f"must be <= {most}, got {value}")
    fraction = hw.area.interconnect_area_fraction
    if fraction is not None and fraction > 1:
        raise where.error(("area", "interconnect_area_fraction"),
                          f"is a fraction of the other components' area: must be <= 1, got "
                          f"{fraction}")
