"""Flags checked before any work: sweep budgets, --allow-float names, the demo's --out."""

import pytest

from fpxint_sim.cli.main import main


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "x"])
def test_a_sweep_budget_must_be_a_finite_number_at_least_zero(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as e:
        main(["sweep", "--model", "digits_cnn", "--space", "none.yaml", "--out",
              str(tmp_path / "o"), "--max-error", value])
    assert e.value.code == 2 and "--max-error" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_allow_float_of_an_unknown_op_is_bad_input(capsys):
    assert main(["verify", "--model", "digits_cnn", "--samples", "2", "--allow-float",
                 "no_such_op"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "no_such_op: no such op" in err


def test_demo_refuses_a_folder_of_user_files_before_printing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fpxint_sim_demo").mkdir()
    (tmp_path / "fpxint_sim_demo" / "notes.txt").write_text("mine")
    assert main(["demo"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "not an fpxint_sim report" in captured.err
    assert (tmp_path / "fpxint_sim_demo" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("flag", ["--a-bits", "--w-bits"])
def test_run_with_16_bit_float_terms_points_to_the_commands_that_take_them(capsys, flag):
    assert main(["run", "--model", "digits_cnn", flag, "16", "--json"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert f"{flag} 16 (float)" in err and "verify --w-bits 4 --a-bits 16" in err
