"""`fpxint-sim --version`: one line `fpxint-sim X.Y.Z`, the version pyproject.toml declares."""

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

import fpxint_sim
from fpxint_sim.cli.main import main as run_cli

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_version_flag_prints_program_and_version(capsys):
    with pytest.raises(SystemExit) as done:
        run_cli(["--version"])
    assert done.value.code == 0
    declared = re.search(r'^version = "([^"]+)"', PYPROJECT.read_text(), re.M).group(1)
    assert capsys.readouterr().out == f"fpxint-sim {declared}\n"


def test_package_version_matches_installed_metadata():
    """The version printed is fpxint_sim.__version__; an install must not report another."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", fpxint_sim.__version__)
    try:
        installed = version("fpxint_sim")
    except PackageNotFoundError:
        pytest.skip("fpxint_sim is not installed (source tree on PYTHONPATH only)")
    assert installed == fpxint_sim.__version__
