"""Fuzzing the CLI entry main(argv) with bad accelerator descriptions, topologies and sweep
spaces: always exit 2, exactly one line on stderr, no traceback, no output folder left behind."""

import contextlib
import io
import os
import re
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fpxint_sim.cli.main import main
from fpxint_sim.hw.load import hw_config_dir

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ROOT / "tests" / "sim" / "scalesim_layers.csv"
DESCRIPTIONS = sorted(hw_config_dir().glob("*.yaml"))
# Values no numeric field accepts (type, range, YAML structure)
BAD_VALUES = ["9" * 401, "-" + "9" * 401, "1.0e+308", "-1.0e+300", ".inf", ".nan", "[1, 2]",
              "{a: 1}", "'text'", "*nowhere", "&a [*a]", "[[[[[[[[", "0x", "!!binary AAAA"]
NUMBER = re.compile(r"^(\s*[a-z_0-9]+:\s*)(-?[0-9][0-9.e+-]*)(\s*(#.*)?)$")


def run_cli(argv: list[str], out: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([*argv, "--out", str(out)])
    return code, err.getvalue()


def assert_refused(code: int, err: str, out: Path) -> None:
    assert code == 2, err
    assert len(err.splitlines()) == 1 and err.endswith("\n"), err
    assert "Traceback" not in err and ": error: " in err
    assert not out.exists() and not [p for p in os.listdir(out.parent)
                                     if p.startswith(f".{out.name}.")]


@st.composite
def broken_description(draw) -> str:
    text = draw(st.sampled_from(DESCRIPTIONS)).read_text()
    lines = text.splitlines()
    numeric = [i for i, line in enumerate(lines) if NUMBER.match(line)]
    i = draw(st.sampled_from(numeric))
    head, _, tail = NUMBER.match(lines[i]).groups()[:3]
    lines[i] = f"{head}{draw(st.sampled_from(BAD_VALUES))}{tail}"
    return "\n".join(lines) + "\n"


@given(text=broken_description())
def test_run_with_a_broken_description_is_one_line_exit_2(text):
    with tempfile.TemporaryDirectory() as tmp:
        hw = Path(tmp) / "hw.yaml"
        hw.write_text(text)
        out = Path(tmp) / "rep"
        code, err = run_cli(["run", "--topology", str(LAYERS), "--hw", str(hw)], out)
        assert_refused(code, err, out)
        assert "hw.yaml" in err


@given(junk=st.binary(min_size=1, max_size=200))
def test_run_with_a_binary_description_is_one_line_exit_2(junk):
    with tempfile.TemporaryDirectory() as tmp:
        hw = Path(tmp) / "hw.yaml"
        hw.write_bytes(b"\xff\xfe" + junk)  # never valid UTF-8 text
        out = Path(tmp) / "rep"
        assert_refused(*run_cli(["run", "--topology", str(LAYERS), "--hw", str(hw)], out), out)


SPACE = """base_hw: {base}
sampling: {{method: random, points: 3, seed: 0}}
hw_axes: {{array.array_rows: [4, 8]}}
expansion_axes: {{w_terms: [1, 2]}}
constraints: {{max_pes: 1024}}
"""
NOT_A_LIST = [v for v in BAD_VALUES if v != "[1, 2]"] + ["[]", "[-1]", "[0]", "[2.5]", "[4, 4]"]
INVALID_IN_SLOT = {  # slot of SPACE -> replacements that no valid space holds there
    "points: 3": [*BAD_VALUES, "-1", "0", "1000000001", "2.5"],
    "seed: 0": [*BAD_VALUES, "-1", "2.5", str(2 ** 64)],
    "[4, 8]": NOT_A_LIST,
    "[1, 2]": NOT_A_LIST,
    "max_pes: 1024": [*BAD_VALUES, "-1", "0", "1.0e+13"],
}


@given(case=st.sampled_from(sorted(INVALID_IN_SLOT)).flatmap(
    lambda slot: st.tuples(st.just(slot), st.sampled_from(INVALID_IN_SLOT[slot]))))
def test_sweep_with_a_broken_space_is_one_line_exit_2(case):
    slot, value = case
    key = slot.split(":")[0] + ": " if ":" in slot else ""
    with tempfile.TemporaryDirectory() as tmp:
        space = SPACE.format(base=hw_config_dir() / "edge_int4_os_8x8.yaml")
        path = Path(tmp) / "space.yaml"
        path.write_text(space.replace(slot, key + value, 1))
        out = Path(tmp) / "sweep"
        code, err = run_cli(["sweep", "--model", "digits_cnn", "--space", str(path)], out)
        assert_refused(code, err, out)


@given(text=st.text(max_size=200))
def test_sweep_with_any_text_as_space_is_one_line_exit_2(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "space.yaml"
        path.write_text(text)
        out = Path(tmp) / "sweep"
        code, err = run_cli(["sweep", "--model", "digits_cnn", "--space", str(path)], out)
        assert_refused(code, err, out)


@given(row=st.text(alphabet="0123456789,.-+ e²x\t", max_size=40))
def test_run_with_a_broken_topology_row_is_exit_2_or_a_report(row):
    """A topology row is either a layer (the run succeeds) or refused in one line."""
    with tempfile.TemporaryDirectory() as tmp:
        topo = Path(tmp) / "topo.csv"
        topo.write_text("Layer, H, W, FH, FW, C, NF, S,\nc0, 8, 8, 3, 3, 4, 4, 1,\n"
                        f"c1,{row}\n")
        out = Path(tmp) / "rep"
        code, err = run_cli(["run", "--topology", str(topo)], out)
        if code == 0:
            assert (out / "report.json").exists() and err.count("error") == 0
        else:
            assert_refused(code, err, out)
