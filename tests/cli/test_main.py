"""cli/main.py: usage errors follow the bad-input contract (one stderr line, exit 2)."""

from __future__ import annotations

import pytest

from fpxint_sim.cli.main import main


@pytest.mark.parametrize("argv", [
    [],                                     # no command
    ["verify"],                             # a required option missing
    ["run", "--model", "digits_cnn", "--no-such-flag"],
    ["run", "--model", "digits_cnn", "--w-bits", "four"],  # a type error
    ["sweep", "--model", "digits_cnn", "--space", "s.yaml", "--out", "o", "--workers", "x"],
])
def test_a_usage_error_is_one_line_and_exit_2(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "error:" in err and "--help" in err
    assert list(tmp_path.iterdir()) == []
