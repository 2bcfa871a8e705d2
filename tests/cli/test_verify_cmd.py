"""`fpxint-sim verify`: exit 0 when bit-exact, 1 with mismatches listed, 2 on bad input."""

import json

import pytest

from fpxint_sim.cli.main import main as run_cli
from fpxint_sim.hw import default_hw_config_path
from fpxint_sim.hw.load import HW_CONFIG_DIR


def test_verify_digits_default_hw_is_bit_exact(capsys):
    assert run_cli(["verify", "--model", "digits_cnn", "--samples", "16", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["ok"] and r["hw"] == "bitfusion_16x16" and r["output_max_abs_diff"] == 0.0
    assert r["mismatched_outputs"] == 0 and r["overflow_events"] == 0
    assert r["jobs_checked"] == sum(len(layer["jobs"]) for layer in r["layers"])


def test_verify_exits_1_when_declared_saturation_changes_the_outputs(tmp_path, capsys):
    hw = tmp_path / "acc16.yaml"
    hw.write_text(default_hw_config_path().read_text()
                  .replace("accumulator_bits: 32", "accumulator_bits: 16")
                  .replace("accumulator_overflow: wrap", "accumulator_overflow: saturate"))
    assert run_cli(["verify", "--model", "digits_cnn", "--samples", "8", "--hw", str(hw),
                    "--w-bits", "8", "--a-bits", "8", "--w-terms", "1", "--a-terms", "1",
                    "--json"]) == 1
    r = json.loads(capsys.readouterr().out)
    # the engine clamps exactly as declared (no job mismatch); the clamps change the outputs
    assert r["mismatched_outputs"] == 0 and r["overflow_events"] > 0
    assert not r["outputs_bit_identical"] and not r["ok"]


def test_verify_fbgemm_w4a4_is_bit_exact(capsys):
    assert run_cli(["verify", "--model", "digits_cnn", "--samples", "8", "--a-terms", "2",
                    "--hw", str(HW_CONFIG_DIR / "x86_fbgemm.yaml")]) == 0
    assert "OK" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "match"), [
    (["--model", "digits_cnn", "--hw", "/nonexistent/hw.yaml"], "not found"),
    (["--model", "nosuch"], "unknown model"),
    (["--model", "digits_cnn", "--samples", str(10**9)], "--samples must be 1..449"),
    (["--model", "digits_cnn", "--samples", "0"], "--samples must be 1..449"),
    (["--model", "digits_cnn", "--w-bits", "8", "--a-bits", "8",
      "--hw", str(HW_CONFIG_DIR / "edge_int4_os_8x8.yaml")], "layer features.0"),
])
def test_verify_bad_input_exits_2_with_one_line(argv, match, capsys):
    assert run_cli(["verify", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert match in err and len(err.splitlines()) == 1
