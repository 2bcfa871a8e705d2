"""Load an accelerator description from YAML (hw_configs/*.yaml) or a SCALE-Sim .cfg file."""

from __future__ import annotations

from pathlib import Path

import yaml

from fpxint_sim.errors import InputError
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.hw.validate import Lines, build_accelerator

HW_CONFIG_DIR = Path(__file__).resolve().parents[2] / "hw_configs"
DEFAULT_HW_CONFIG = "bitfusion_16x16.yaml"


def default_hw_config_path() -> Path:
    """The description used when none is given: a 16x16 INT8 array doing 4 INT4 MACs/PE/cycle."""
    return HW_CONFIG_DIR / DEFAULT_HW_CONFIG


def _key_lines(node, prefix: tuple[str, ...], lines: Lines, path: str) -> None:
    """Record the 1-based line of every mapping key; reject duplicate keys (YAML keeps the last)."""
    if not isinstance(node, yaml.MappingNode):
        return
    seen = set()
    for key_node, value_node in node.value:
        key = (*prefix, str(key_node.value))
        if key in seen:
            raise InputError(f"{path}:{key_node.start_mark.line + 1}: key '{'.'.join(key)}': "
                             "given twice")
        seen.add(key)
        lines[key] = key_node.start_mark.line + 1
        _key_lines(value_node, key, lines, path)


def parse_yaml_description(text: str, path: str) -> Accelerator:
    """Parse and validate the YAML text of a description; `path` is used in error messages."""
    try:
        raw = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f"{path}:{mark.line + 1}" if mark else path
        raise InputError(f"{where}: malformed YAML: {e.problem}") from None
    except yaml.YAMLError as e:
        raise InputError(f"{path}: malformed YAML: {e}") from None
    if raw is None:
        raise InputError(f"{path}: empty accelerator description")
    lines: Lines = {}
    _key_lines(root, (), lines, path)
    return build_accelerator(raw, path, lines)


def load_accelerator(path: str | Path) -> Accelerator:
    """Load `path`: a YAML description, or a SCALE-Sim .cfg (recognised by its suffix)."""
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise InputError(f"{path}: accelerator description not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read accelerator description: {e}") from None
    if path.suffix.lower() == ".cfg":
        from fpxint_sim.hw.scalesim_cfg import parse_scalesim_cfg

        return parse_scalesim_cfg(text, str(path))
    return parse_yaml_description(text, str(path))
