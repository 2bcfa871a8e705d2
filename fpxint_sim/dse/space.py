"""A sweep space (YAML): a base accelerator, axes over its fields and over expansion settings,
grid or seeded random sampling, and constraints that prune points before they run.

    base_hw: ../edge_int4_os_8x8.yaml      # relative to this file
    sampling: {method: grid}               # or {method: random, points: 200, seed: 0}
    hw_axes:                               # dotted keys of the accelerator description
      array.array_rows: [8, 16]
      array.dataflow: [ws, os]
    expansion_axes:                        # fields of fpxint_sim.expand.ExpansionConfig
      w_terms: [1, 2, 3]
      a_terms: [1, 2, 4]
    constraints: {max_sram_kib: 256, max_pes: 1024, max_area_mm2: 2.5}

Every point is validated (accelerator and expansion) before anything runs; a bad axis or value
is one error naming the space file and the key.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fpxint_sim.errors import InputError
from fpxint_sim.expand.config import ExpansionConfig
from fpxint_sim.hw.area import total_area_mm2
from fpxint_sim.hw.load import read_text, read_yaml
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.hw.validate import MAX_MAGNITUDE, build_accelerator
from fpxint_sim.sim.job import check_operand_bits

TOP_KEYS = ("name", "description", "base_hw", "sampling", "hw_axes", "expansion_axes",
            "constraints")
CONSTRAINTS = ("max_sram_kib", "max_pes", "min_pes", "max_area_mm2")
# Points one sweep may run: at about a millisecond each, a million is a quarter of an hour on
# two cores, and the point list (with an accelerator per point) stays below a few GiB.
MAX_POINTS = 1_000_000
MAX_SAMPLED_GRID = 2**62
EXPANSION_FIELDS = tuple(f.name for f in dataclasses.fields(ExpansionConfig)
                         if f.name != "per_token")


@dataclass(frozen=True)
class SweepPoint:
    """One point: its settings (flat, JSON-able) and its validated accelerator and expansion."""

    point_id: str
    hw_settings: dict
    expansion_settings: dict
    hw: Accelerator
    expansion: ExpansionConfig


@dataclass(frozen=True)
class SweepSpace:
    path: str
    raw: dict
    base_raw: dict
    hw_axes: dict
    expansion_axes: dict
    sampling: dict
    constraints: dict

    def fingerprint(self) -> str:
        """Identifies the space's content: a run directory is bound to one fingerprint."""
        doc = json.dumps({"space": self.raw, "base_hw": self.base_raw}, sort_keys=True)
        return hashlib.sha256(doc.encode()).hexdigest()[:16]


def _err(path, key, problem) -> InputError:
    return InputError(f"{path}: key '{key}': {problem}")


def load_space(path: str | Path) -> SweepSpace:
    path = Path(path)
    raw, _ = read_yaml(read_text(path, "sweep space"), str(path))
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a mapping at the top level")
    _check_json(path, raw)
    for key in raw:
        if key not in TOP_KEYS:
            raise _err(path, key, f"unknown key; valid: {', '.join(TOP_KEYS)}")
    if "base_hw" not in raw:
        raise _err(path, "base_hw", "missing (the accelerator description the axes vary)")
    if not isinstance(raw["base_hw"], str) or not raw["base_hw"].strip():
        raise _err(path, "base_hw", "expected the path of an accelerator description")
    base_path = (path.parent / raw["base_hw"]).resolve()
    if base_path.suffix.lower() == ".cfg":
        raise _err(path, "base_hw", f"{base_path.name} is a SCALE-Sim .cfg; a sweep varies the "
                   "keys of a YAML description: write one (docs/performance_model.md section 10 "
                   "lists how .cfg keys map to YAML keys)")
    try:
        base_raw, _ = read_yaml(read_text(base_path, "base_hw description"), str(base_path))
    except InputError as e:
        raise _err(path, "base_hw", str(e)) from None
    if not isinstance(base_raw, dict):
        raise _err(path, "base_hw", f"{base_path} is not an accelerator description (expected "
                   f"a mapping of sections, got {type(base_raw).__name__})")
    _check_json(base_path, base_raw)
    hw_axes = _axes(path, raw.get("hw_axes") or {}, "hw_axes")
    exp_axes = _axes(path, raw.get("expansion_axes") or {}, "expansion_axes")
    for key in exp_axes:
        if key not in EXPANSION_FIELDS:
            raise _err(path, f"expansion_axes.{key}",
                       f"unknown expansion setting; valid: {', '.join(EXPANSION_FIELDS)}")
    sampling = raw.get("sampling") or {"method": "grid"}
    if not isinstance(sampling, dict):
        raise _err(path, "sampling", "expected a mapping like {method: grid}")
    sampling = dict(sampling)
    _check_sampling(path, sampling)
    _check_size(path, [*hw_axes.values(), *exp_axes.values()], sampling)
    constraints = raw.get("constraints") or {}
    if not isinstance(constraints, dict):
        raise _err(path, "constraints", "expected a mapping like {max_pes: 1024}")
    constraints = dict(constraints)
    for key, v in constraints.items():
        if key not in CONSTRAINTS:
            raise _err(path, f"constraints.{key}", f"unknown constraint; valid: "
                       f"{', '.join(CONSTRAINTS)}")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= MAX_MAGNITUDE:
            raise _err(path, f"constraints.{key}", f"must be a number in (0, "
                       f"{MAX_MAGNITUDE:g}], got {str(v)[:40]}")
    space = SweepSpace(str(path), raw, base_raw, hw_axes, exp_axes, sampling, constraints)
    for key, values in hw_axes.items():  # every value of every axis must make a valid design
        for v in values:
            _hw_from(space, {key: v})
    for key, values in exp_axes.items():
        for v in values:
            _expansion_from(space, {key: v})
    return space


def _check_json(path, doc) -> None:
    """The space is fingerprinted and stored as JSON: refuse what JSON cannot hold."""
    try:
        json.dumps(doc, sort_keys=True)
    except (TypeError, ValueError) as e:
        raise InputError(f"{path}: holds a value a sweep cannot store (dates, keys that are "
                         f"not text, ...): {e}") from None


def _axes(path, axes, section) -> dict:
    if not isinstance(axes, dict):
        raise _err(path, section, "expected a mapping of key: [values]")
    out = {}
    for key, values in axes.items():
        if not isinstance(values, list) or not values:
            raise _err(path, f"{section}.{key}", f"expected a non-empty list, got "
                       f"{repr(values)[:80]}")
        values = [_number_if_numeric(v) for v in values]
        if len({json.dumps(v, sort_keys=True) for v in values}) != len(values):
            raise _err(path, f"{section}.{key}", f"a value is listed twice: {repr(values)[:80]}")
        out[str(key)] = values
    return out


def _number_if_numeric(v):
    """YAML 1.1 reads 1e-3 as a string (it wants 1.0e-3): take numeric strings as numbers."""
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return v
    return v


def _check_sampling(path, s):
    method = s.get("method", "grid")
    if method not in ("grid", "random"):
        raise _err(path, "sampling.method", f"{str(method)[:40]!r} is not grid or random")
    for key in s:
        if key not in ("method", "points", "seed"):
            raise _err(path, f"sampling.{key}", "unknown key; valid: method, points, seed")
    if method == "random":
        n = s.get("points")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_POINTS:
            raise _err(path, "sampling.points", f"random sampling needs points in 1.."
                       f"{MAX_POINTS:,}, got {str(n)[:40]}")
        seed = s.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
            raise _err(path, "sampling.seed", f"must be an integer in 0..2^64-1, got "
                       f"{str(seed)[:40]}")


def _check_size(path, values: list[list], sampling: dict) -> None:
    """Refuse, before enumerating anything, a grid larger than MAX_POINTS or a random sample
    drawn from more combinations than an int64 index can address."""
    total = math.prod(len(v) for v in values)
    if sampling.get("method", "grid") == "grid" and total > MAX_POINTS:
        raise _err(path, "sampling", f"the grid has {_count(total)} points, more than "
                   f"{MAX_POINTS:,}; sample it: sampling: {{method: random, points: N}}")
    if total > MAX_SAMPLED_GRID:
        raise _err(path, "sampling", f"the axes make {_count(total)} combinations, more than "
                   "2^62 (the indices random sampling draws from); use fewer axis values")


def _count(n: int) -> str:
    return f"{n:,}" if n < 10**15 else f"about 1e{len(str(n)) - 1}"


def _hw_from(space: SweepSpace, settings: dict) -> Accelerator:
    raw = copy.deepcopy(space.base_raw)
    for key, value in settings.items():
        node, parts = raw, key.split(".")
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                raise _err(space.path, f"hw_axes.{key}", f"no section '{part}' in base_hw")
            node = node[part]
        if parts[-1] not in node and len(parts) > 1 and parts[0] != "arithmetic":
            raise _err(space.path, f"hw_axes.{key}", "not a key of the base accelerator")
        node[parts[-1]] = value
    try:
        return build_accelerator(raw, f"{space.path} (hw_axes {settings})")
    except InputError as e:
        raise InputError(f"{space.path}: hw_axes: {e}") from None


def _expansion_from(space: SweepSpace, settings: dict) -> ExpansionConfig:
    try:
        return ExpansionConfig(**settings)
    except InputError as e:
        raise InputError(f"{space.path}: expansion_axes {settings}: {e}") from None
    except TypeError as e:
        raise InputError(f"{space.path}: expansion_axes: {e}") from None


def _point_id(hw_settings: dict, exp_settings: dict) -> str:
    doc = json.dumps({"hw": hw_settings, "expansion": exp_settings}, sort_keys=True)
    return hashlib.sha256(doc.encode()).hexdigest()[:12]


def sram_kib(hw: Accelerator) -> float:
    return sum(hw.sram.sram_bytes(b) for b in ("ifmap", "filter", "ofmap")) / 1024.0


def _combos(values: list[list], sampling: dict):
    """Grid order, or a seeded sample of grid indices decoded without building the grid."""
    if sampling.get("method", "grid") != "random":
        yield from itertools.product(*values)
        return
    sizes = [len(v) for v in values]
    total = math.prod(sizes)
    rng = np.random.default_rng(sampling.get("seed", 0))
    take = min(sampling["points"], total)
    for index in sorted(int(i) for i in rng.choice(total, size=take, replace=False)):
        combo = []
        for vals, size in zip(reversed(values), reversed(sizes)):  # mixed radix, last axis fastest
            index, digit = divmod(index, size)
            combo.append(vals[digit])
        yield tuple(reversed(combo))


def points(space: SweepSpace) -> tuple[list[SweepPoint], dict]:
    """The points to run (grid order, or a seeded random sample) and how many were dropped,
    by reason: {'constraints': n, 'unsupported_operands': n}."""
    keys = list(space.hw_axes) + [f"exp:{k}" for k in space.expansion_axes]
    values = list(space.hw_axes.values()) + list(space.expansion_axes.values())
    out, pruned = [], {"constraints": 0, "unsupported_operands": 0}
    for combo in _combos(values, space.sampling):
        hw_s = {k: v for k, v in zip(keys, combo) if not k.startswith("exp:")}
        ex_s = {k[4:]: v for k, v in zip(keys, combo) if k.startswith("exp:")}
        hw = _hw_from(space, hw_s)
        exp = _expansion_from(space, ex_s)
        reason = _dropped_because(space.constraints, hw, exp)
        if reason:
            pruned[reason] += 1
            continue
        out.append(SweepPoint(_point_id(hw_s, ex_s), hw_s, ex_s, hw, exp))
    return out, pruned


def _dropped_because(c: dict, hw: Accelerator, exp: ExpansionConfig) -> str | None:
    if ("max_sram_kib" in c and sram_kib(hw) > c["max_sram_kib"]) \
            or ("max_pes" in c and hw.num_pes > c["max_pes"]) \
            or ("min_pes" in c and hw.num_pes < c["min_pes"]) \
            or ("max_area_mm2" in c and total_area_mm2(hw) > c["max_area_mm2"]):
        return "constraints"
    try:
        check_operand_bits(hw, exp.w_bits, exp.a_bits)
    except InputError:
        return "unsupported_operands"  # the PEs do not take these operand widths
    return None
