"""`fpxint-sim expand` and `demo`: output, JSON, and one-line errors with exit 2."""

import json
import subprocess
import sys

import numpy as np
import pytest

from fpxint_sim.cli.main import main
from fpxint_sim.models import load_digits_cnn


def test_expand_json_reports_every_weight_tensor_with_errors_that_shrink(capsys):
    assert main(["expand", "--model", "digits_cnn", "--bits", "4", "--max-terms", "3",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    names = [n for n, p in load_digits_cnn().named_parameters() if p.ndim >= 2]
    assert [t["name"] for t in out["tensors"]] == names
    for t in out["tensors"] + [out["total"]]:
        assert len(t["max_abs_error"]) == 3 and len(t["rel_error"]) == 3
        assert all(a > b for a, b in zip(t["max_abs_error"], t["max_abs_error"][1:]))


def test_expand_max_error_is_the_true_max_error_of_the_weights(capsys):
    main(["expand", "--model", "digits_cnn", "--bits", "4", "--max-terms", "2", "--json"])
    first = json.loads(capsys.readouterr().out)["tensors"][0]
    w = dict(load_digits_cnn().named_parameters())[first["name"]].detach().double().numpy()
    import fpxint_sim as F

    approx = F.expand_tensor(w, bits=4, terms=2, axis=0).value()
    assert first["max_abs_error"][1] == pytest.approx(np.abs(w - approx).max(), rel=1e-12)


def test_demo_prints_the_convergence_table(capsys, tmp_path, monkeypatch):
    """The demo with no arguments: convergence line, summary table, report in ./fpxint_sim_demo."""
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "digits_cnn" in out and "max|err|" in out and "n=4" in out and "TOTAL" in out
    report = json.loads((tmp_path / "fpxint_sim_demo" / "report.json").read_text())
    assert report["run"]["source"]["samples"] == 449
    assert main(["demo"]) == 0  # a previous demo report is replaced
    assert sorted(p.name for p in (tmp_path / "fpxint_sim_demo").iterdir()) == [
        "layers.csv", "report.html", "report.json"]


@pytest.mark.parametrize(("argv", "match"), [
    (["expand", "--model", "nosuch"], "unknown model 'nosuch'"),
    (["expand", "--model", "digits_cnn", "--bits", "9"], "--bits=9 is unsupported"),
    (["expand", "--model", "digits_cnn", "--max-terms", "0"], "--max-terms"),
])
def test_bad_input_is_one_line_and_exit_2(argv, match, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert match in err and len(err.splitlines()) == 1


def test_console_script_exits_2_without_traceback():
    r = subprocess.run([sys.executable, "-m", "fpxint_sim.cli.main", "expand", "--model", "x"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "unknown model" in r.stderr
