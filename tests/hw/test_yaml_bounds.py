"""Every YAML the tool reads is bounded before it is walked: alias bombs, recursive aliases and
deep nesting are refused in one line, numbers outside the model's range are refused, and no
text makes the loader raise anything but an InputError."""

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fpxint_sim.errors import InputError
from fpxint_sim.hw import parse_yaml_description
from fpxint_sim.hw.load import MAX_YAML_NODES, hw_config_dir, read_yaml

BASE = (hw_config_dir() / "edge_int4_os_8x8.yaml").read_text()


def alias_bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@given(levels=st.integers(4, 12), width=st.integers(6, 12))
def test_alias_bombs_are_refused_before_any_walk(levels, width):
    if width ** levels <= MAX_YAML_NODES:
        return  # small enough to be a real file
    started = time.perf_counter()
    with pytest.raises(InputError, match="too large") as e:
        parse_yaml_description(alias_bomb(levels, width), "bomb.yaml")
    assert time.perf_counter() - started < 2.0  # refused from the node graph, not expanded
    assert "\n" not in str(e.value) and str(e.value).startswith("bomb.yaml")


def test_modest_aliases_still_load():
    data, _ = read_yaml(alias_bomb(3, 6), "ok.yaml")
    assert len(data["a2"]) == 6 and data["a2"][0][0] == ["x"] * 6


@pytest.mark.parametrize("text, match", [
    ("a: &a [*a]\n", "recursive alias"),
    ("x: " + "[" * 200 + "]" * 200 + "\n", "nested deeper"),
    ("array:\n  rows: [1, 2\n  cols: {\n", r"bomb.yaml:\d+: malformed YAML"),
    ("a: *nowhere\n", "malformed YAML"),
])
def test_malformed_or_self_referencing_yaml_is_one_line(text, match):
    with pytest.raises(InputError, match=match) as e:
        parse_yaml_description(text, "bomb.yaml")
    assert "\n" not in str(e.value)


NUMERIC_KEYS = ["clock_mhz", "static_power_mw", "array_rows", "array_cols", "int4",
                "ifmap_sram_kib", "dram_read_energy_pj_per_byte", "vector_ops_per_cycle"]
OUT_OF_RANGE = ["9" * 401, "-" + "9" * 401, "1.0e+308", "-1.0e+308", "1.0e+13", ".inf", ".nan",
                "1.0e-320"]


@given(key=st.sampled_from(NUMERIC_KEYS), value=st.sampled_from(OUT_OF_RANGE))
def test_numbers_outside_the_model_range_are_refused_naming_the_key(key, value):
    lines = BASE.splitlines()
    hits = [i for i, line in enumerate(lines) if line.strip().startswith(f"{key}:")]
    if not hits:
        return
    i = hits[0]
    indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
    lines[i] = f"{indent}{key}: {value}"
    if value == "1.0e-320" and key in ("static_power_mw", "dram_read_energy_pj_per_byte"):
        return  # a tiny energy is a valid non-negative number
    with pytest.raises(InputError, match=key) as e:
        parse_yaml_description("\n".join(lines) + "\n", "hw.yaml")
    assert "\n" not in str(e.value) and len(str(e.value)) < 400


@given(text=st.text(max_size=300))
def test_any_text_is_a_description_or_one_input_error(text):
    try:
        parse_yaml_description(text, "fuzz.yaml")
    except InputError as e:
        assert str(e).startswith("fuzz.yaml")


def test_exponent_numbers_without_a_dot_are_numbers():
    """`clock_mhz: 5e2` is 500.0 (YAML 1.2), not the string PyYAML's 1.1 rules make of it;
    quoted it stays a string, and a word that only contains digits stays a word."""
    from fpxint_sim.hw.load import read_yaml

    data, _ = read_yaml('a: 5e2\nb: -1E-6\nc: "5e2"\nd: x5e2\ne: 7\n', "t.yaml")
    assert data == {"a": 500.0, "b": -1e-6, "c": "5e2", "d": "x5e2", "e": 7}
