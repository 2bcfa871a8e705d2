"""The reference runner finds SCALE-Sim's Python from an argument or env var, or says why not."""

import importlib.util

import pytest

from fpxint_sim.sim import scalesim_runner

NO_SCALESIM = importlib.util.find_spec("scalesim") is None
ARGS = ["--layers", "x.csv", "--out", "y.csv"]


def test_recorded_command_leaves_out_the_machine_specific_python():
    argv = ["--layers", "l.csv", "--scalesim-python", "/opt/v/bin/python", "--sram-kib", "1",
            "--scalesim-python=/x", "--out", "o.csv"]
    assert scalesim_runner._portable(argv) == ["--layers", "l.csv", "--sram-kib", "1", "--out",
                                               "o.csv"]


@pytest.mark.skipif(not NO_SCALESIM, reason="this Python has scalesim: nothing to look for")
def test_without_scalesim_or_a_python_to_run_it_the_runner_stops(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("FPXINT_SCALESIM_PYTHON", raising=False)
    assert scalesim_runner.main(ARGS) == 2
    err = capsys.readouterr().err
    assert "scalesim is not importable" in err and "FPXINT_SCALESIM_PYTHON" in err
    assert not (tmp_path / "y.csv").exists()


@pytest.mark.skipif(not NO_SCALESIM, reason="this Python has scalesim: nothing to look for")
def test_a_named_python_that_does_not_exist_is_refused(monkeypatch, capsys, tmp_path):
    missing = tmp_path / "no" / "python"
    monkeypatch.setenv("FPXINT_SCALESIM_PYTHON", str(missing))
    assert scalesim_runner.main(ARGS) == 2
    assert f"{missing} is not an executable file" in capsys.readouterr().err


def test_bandwidth_and_buffer_lists_parse():
    assert scalesim_runner._int_list("1,32") == [1, 32]
