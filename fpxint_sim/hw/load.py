"""Load an accelerator description from YAML (hw_configs/*.yaml) or a SCALE-Sim .cfg file.

Every YAML file the tool reads (descriptions, sweep spaces) goes through `read_yaml`: one error
line for a syntax error, and a bound on the tree's size counted with aliases expanded, checked on
the composed node graph before anything walks or copies the tree (an alias bomb of a few lines
would otherwise expand to billions of nodes in a later repr, copy or json.dumps).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from fpxint_sim.errors import InputError
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.hw.validate import Lines, build_accelerator

DEFAULT_HW_CONFIG = "bitfusion_16x16.yaml"
# A description has ~60 nodes and a sweep space a few hundred: 100k leaves room for any real
# file and bounds the work of every later walk over the tree.
MAX_YAML_NODES = 100_000
MAX_YAML_DEPTH = 64


def hw_config_dir() -> Path:
    """The shipped descriptions: fpxint_sim/hw_configs inside an installed wheel, else the
    repository's hw_configs/ folder (an editable install or a source checkout)."""
    packaged = Path(__file__).resolve().parents[1] / "hw_configs"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "hw_configs"


HW_CONFIG_DIR = hw_config_dir()


def default_hw_config_path() -> Path:
    """The description used when none is given: a 16x16 INT8 array doing 4 INT4 MACs/PE/cycle."""
    return HW_CONFIG_DIR / DEFAULT_HW_CONFIG


def _expanded_size(root: yaml.Node, path: str) -> int:
    """Nodes of the tree with every alias expanded, computed on the node graph (each distinct
    node visited once), refusing recursive aliases and nesting deeper than MAX_YAML_DEPTH."""
    sizes: dict[int, int] = {}
    stack = [(root, 0, False)]
    on_path: set[int] = set()
    while stack:
        node, depth, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            kids = _children(node)
            sizes[key] = min(1 + sum(sizes[id(k)] for k in kids), MAX_YAML_NODES + 1)
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise InputError(f"{path}: malformed YAML: a recursive alias (a node contains "
                             "itself)")
        if depth > MAX_YAML_DEPTH:
            raise InputError(f"{path}: malformed YAML: nested deeper than {MAX_YAML_DEPTH} "
                             "levels")
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((k, depth + 1, False) for k in _children(node) if id(k) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading exponent numbers without a dot (`5e2`, `1e-6`) as floats,
    as YAML 1.2 and every user does (YAML 1.1 makes them strings)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


def read_yaml(text: str, path: str) -> tuple[object, yaml.Node | None]:
    """(data, composed root node) of YAML `text`; InputError (one line) on bad or huge input."""
    loader = None
    try:
        loader = _Loader(text)  # reads ahead: control characters fail here already
        root = loader.get_single_node()
        if root is None:
            return None, None
        size = _expanded_size(root, path)
        if size > MAX_YAML_NODES:
            raise InputError(f"{path}: YAML too large: more than {MAX_YAML_NODES:,} nodes once "
                             "aliases are expanded; refusing to read it")
        return loader.construct_document(root), root
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{path}:{mark.line + 1}" if mark else path
        problem = " ".join(str(e.problem or e.context or "syntax error").split())
        raise InputError(f"{where}: malformed YAML: {problem}") from None
    except yaml.YAMLError as e:
        raise InputError(f"{path}: malformed YAML: {' '.join(str(e).split())}") from None
    except RecursionError:
        raise InputError(f"{path}: malformed YAML: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def _key_lines(node, prefix: tuple[str, ...], lines: Lines, path: str) -> None:
    """Record the 1-based line of every mapping key; reject duplicate keys (YAML keeps the last)."""
    if not isinstance(node, yaml.MappingNode):
        return
    seen = set()
    for key_node, value_node in node.value:
        key = (*prefix, str(key_node.value)[:200])
        if key in seen:
            raise InputError(f"{path}:{key_node.start_mark.line + 1}: key '{'.'.join(key)}': "
                             "given twice")
        seen.add(key)
        lines[key] = key_node.start_mark.line + 1
        _key_lines(value_node, key, lines, path)


def parse_yaml_description(text: str, path: str) -> Accelerator:
    """Parse and validate the YAML text of a description; `path` is used in error messages."""
    raw, root = read_yaml(text, path)
    if raw is None:
        raise InputError(f"{path}: empty accelerator description")
    lines: Lines = {}
    _key_lines(root, (), lines, path)
    return build_accelerator(raw, path, lines)


def read_text(path: Path, what: str) -> str:
    """The text of a user file, or one InputError naming it (missing, unreadable, binary)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: {what} is a folder, not a file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: {what} is not UTF-8 text") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read {what}: {e.strerror or e}") from None


def load_accelerator(path: str | Path) -> Accelerator:
    """Load `path`: a YAML description, or a SCALE-Sim .cfg (recognised by its suffix)."""
    path = Path(path)
    text = read_text(path, "accelerator description")
    if path.suffix.lower() == ".cfg":
        from fpxint_sim.hw.scalesim_cfg import parse_scalesim_cfg

        return parse_scalesim_cfg(text, str(path))
    return parse_yaml_description(text, str(path))
