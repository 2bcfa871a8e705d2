"""A decoder's shapes for costing without values: the decode topology format (YAML).

    name: llama2-7b
    source: where the numbers come from (a published config)
    d_model: 4096        # hidden size
    layers: 32           # decoder blocks
    heads: 32            # query heads
    kv_heads: 32         # key/value heads (fewer than heads: grouped-query attention)
    d_ff: 11008          # MLP inner size
    vocab: 32000         # LM head outputs
    mlp: swiglu          # swiglu (gate, up, down) or gelu (fc, proj)
    max_context: 4096    # longest context the model was trained for
    head_dim: 128        # optional; d_model / heads when absent

Bad files are refused with file:line: key. Sizes are bounded before anything is allocated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from fpxint_sim.errors import InputError
from fpxint_sim.hw.load import _key_lines

DECODER_DIR = Path(__file__).resolve().parent / "decoders"
MLP_KINDS = ("swiglu", "gelu")
# key -> largest accepted value (a typo like 40960000 is refused, not costed)
LIMITS = {"d_model": 65536, "layers": 1024, "heads": 1024, "kv_heads": 1024,
          "d_ff": 262144, "vocab": 1_048_576, "max_context": 1_048_576, "head_dim": 1024}
REQUIRED = ("name", "d_model", "layers", "heads", "kv_heads", "d_ff", "vocab", "mlp",
            "max_context")
OPTIONAL = ("source", "head_dim")


@dataclass(frozen=True)
class Decoder:
    name: str
    d_model: int
    layers: int
    heads: int
    kv_heads: int
    d_ff: int
    vocab: int
    mlp: str
    max_context: int
    head_dim: int
    source: str = ""

    @property
    def group(self) -> int:
        """Query heads sharing one key/value head."""
        return self.heads // self.kv_heads


def shipped_decoders() -> dict[str, Path]:
    """Name -> file of the decode topologies shipped with the package."""
    return {p.stem.replace("_", "-"): p for p in sorted(DECODER_DIR.glob("*.yaml"))}


def load_decoder(name_or_path: str) -> Decoder:
    """A shipped decoder by name (llama2-7b, llama2-70b, gpt2-xl) or a YAML file."""
    shipped = shipped_decoders()
    path = shipped.get(name_or_path, Path(name_or_path))
    if name_or_path not in shipped and path.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(f"--model {name_or_path}: not a shipped decoder ("
                         f"{', '.join(shipped)}) nor a .yaml decode topology")
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read decode topology: {e}") from None
    return parse_decoder(text, str(path))


def parse_decoder(text: str, path: str) -> Decoder:
    """Validate the YAML text of a decode topology; errors name path:line: key."""
    try:
        raw, root = yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(f"{path}{f':{mark.line + 1}' if mark else ''}: malformed YAML") from None
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a mapping of keys (d_model, layers, ...)")
    lines: dict = {}
    _key_lines(root, (), lines, path)

    def err(key: str, problem: str) -> InputError:
        line = lines.get((key,))
        return InputError(f"{path}{f':{line}' if line else ''}: key '{key}': {problem}")

    for key in raw:
        if key not in REQUIRED and key not in OPTIONAL:
            raise err(str(key), "unknown key; keys: " + ", ".join((*REQUIRED, *OPTIONAL)))
    for key in REQUIRED:
        if key not in raw:
            raise err(key, "missing required key")
    values = {}
    for key, most in LIMITS.items():
        if key not in raw:
            continue
        v = raw[key]
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= most:
            raise err(key, f"expected an integer in 1..{most}, got {v!r}")
        values[key] = v
    for key in ("name", "mlp", "source"):
        if key in raw and not isinstance(raw[key], str):
            raise err(key, f"expected text, got {raw[key]!r}")
    if raw["mlp"] not in MLP_KINDS:
        raise err("mlp", f"'{raw['mlp']}' is not one of {', '.join(MLP_KINDS)}")
    if values["heads"] % values["kv_heads"]:
        raise err("kv_heads", f"{values['kv_heads']} does not divide heads {values['heads']}")
    if "head_dim" not in values:
        if values["d_model"] % values["heads"]:
            raise err("heads", f"{values['heads']} does not divide d_model {values['d_model']}; "
                      "give head_dim")
        values["head_dim"] = values["d_model"] // values["heads"]
    return Decoder(name=raw["name"], mlp=raw["mlp"], source=raw.get("source", ""), **values)
