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
import yaml

from fpxint_sim.errors import InputError
from fpxint_sim.expand.config import ExpansionConfig
from fpxint_sim.hw.area import total_area_mm2
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.hw.validate import build_accelerator
from fpxint_sim.sim.job import check_operand_bits

TOP_KEYS = ("name", "description", "base_hw", "sampling", "hw_axes", "expansion_axes",
            "constraints")
CONSTRAINTS = ("max_sram_kib", "max_pes", "min_pes", "max_area_mm2")
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
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise InputError(f"{path}: sweep space not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read sweep space: {e}") from None
    except yaml.YAMLError as e:
        raise InputError(f"{path}: malformed YAML: {e}") from None
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a mapping at the top level")
    for key in raw:
        if key not in TOP_KEYS:
            raise _err(path, key, f"unknown key; valid: {', '.join(TOP_KEYS)}")
    if "base_hw" not in raw:
        raise _err(path, "base_hw", "missing (the accelerator description the axes vary)")
    base_path = (path.parent / str(raw["base_hw"])).resolve()
    try:
        base_raw = yaml.safe_load(base_path.read_text())
    except (OSError, yaml.YAMLError) as e:
        raise _err(path, "base_hw", f"cannot read {base_path}: {e}") from None
    hw_axes = _axes(path, raw.get("hw_axes") or {}, "hw_axes")
    exp_axes = _axes(path, raw.get("expansion_axes") or {}, "expansion_axes")
    for key in exp_axes:
        if key not in EXPANSION_FIELDS:
            raise _err(path, f"expansion_axes.{key}",
                       f"unknown expansion setting; valid: {', '.join(EXPANSION_FIELDS)}")
    sampling = dict(raw.get("sampling") or {"method": "grid"})
    _check_sampling(path, sampling)
    constraints = dict(raw.get("constraints") or {})
    for key, v in constraints.items():
        if key not in CONSTRAINTS:
            raise _err(path, f"constraints.{key}", f"unknown constraint; valid: "
                       f"{', '.join(CONSTRAINTS)}")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0:
            raise _err(path, f"constraints.{key}", f"must be a number > 0, got {v!r}")
    space = SweepSpace(str(path), raw, base_raw, hw_axes, exp_axes, sampling, constraints)
    for key, values in hw_axes.items():  # every value of every axis must make a valid design
        for v in values:
            _hw_from(space, {key: v})
    for key, values in exp_axes.items():
        for v in values:
            _expansion_from(space, {key: v})
    return space


def _axes(path, axes, section) -> dict:
    if not isinstance(axes, dict):
        raise _err(path, section, "expected a mapping of key: [values]")
    out = {}
    for key, values in axes.items():
        if not isinstance(values, list) or not values:
            raise _err(path, f"{section}.{key}", f"expected a non-empty list, got {values!r}")
        values = [_number_if_numeric(v) for v in values]
        if len({json.dumps(v, sort_keys=True) for v in values}) != len(values):
            raise _err(path, f"{section}.{key}", f"a value is listed twice: {values!r}")
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
        raise _err(path, "sampling.method", f"'{method}' is not grid or random")
    for key in s:
        if key not in ("method", "points", "seed"):
            raise _err(path, f"sampling.{key}", "unknown key; valid: method, points, seed")
    if method == "random":
        n = s.get("points")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise _err(path, "sampling.points", f"random sampling needs points >= 1, got {n!r}")
        if not isinstance(s.get("seed", 0), int):
            raise _err(path, "sampling.seed", "must be an integer")


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
