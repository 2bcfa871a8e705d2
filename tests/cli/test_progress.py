"""Progress: on stderr only, never stdout; only when stderr is a terminal."""

import json
from argparse import Namespace

import torch

from fpxint_sim.cli import progress
from fpxint_sim.cli.main import main


def test_the_rule(monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert not progress.show_progress(Namespace(json=False))
    assert not progress.show_progress(Namespace(json=True))
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert progress.show_progress(Namespace(json=True))
    assert progress.show_progress(Namespace(json=False))


def test_layer_progress_counts_layer_forwards_and_unhooks(monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    layer = torch.nn.Linear(2, 2)
    x = torch.zeros(1, 2)
    with progress.layer_progress(Namespace(json=False), "test") as bar:
        for _ in range(3):
            layer(x)
        torch.nn.ReLU()(x)  # not a layer with MACs: not counted
        assert bar.n == 3
    layer(x)
    assert bar.n == 3  # the global hook is gone


def test_off_a_terminal_nothing_but_errors_reach_stderr(capsys, monkeypatch):
    monkeypatch.setattr(progress, "DELAY_S", 0.0)  # a bar would be drawn at once
    assert main(["lower", "--model", "digits_cnn", "--samples", "8", "--json"]) == 0
    out, err = capsys.readouterr()
    json.loads(out)
    assert err == ""
    assert main(["lower", "--model", "digits_cnn", "--samples", "8"]) == 0
    assert capsys.readouterr().err == ""


def test_on_a_terminal_the_bar_goes_to_stderr_and_stdout_stays_json(capsys, monkeypatch):
    monkeypatch.setattr(progress, "DELAY_S", 0.0)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert main(["lower", "--model", "digits_cnn", "--samples", "8", "--json"]) == 0
    out, err = capsys.readouterr()
    json.loads(out)  # nothing of the bar on stdout
    assert "lower: layers run" in err
