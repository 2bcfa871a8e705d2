"""`run` on SCALE-Sim's own files: they run; what they hold but we do not use is reported once;
a bad cell or oversized work is one error line, exit 2, nothing written."""

import json
from pathlib import Path

import pytest

from fpxint_sim.cli.main import main as run_cli
from fpxint_sim.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "sim" / "scalesim_examples"


@pytest.fixture(autouse=True)
def _fresh_notes(monkeypatch):
    """Notes are printed once per process; each test here starts as a fresh process would."""
    monkeypatch.setattr("fpxint_sim.hw.scalesim_cfg._REPORTED", set())


def test_scalesim_resnet50_and_scale_cfg_run_unchanged(capsys):
    argv = ["run", "--topology", str(EXAMPLES / "v2/topologies/conv_nets/Resnet50.csv"),
            "--hw", str(EXAMPLES / "v2/configs/scale.cfg"), "--w-bits", "8", "--json"]
    assert run_cli(argv) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["totals"]["layers"] == 54
    notes = [x for x in captured.err.splitlines() if x.startswith("fpxint-sim: note:")]
    assert len(notes) == 1 and "scale.cfg: ignored: ifmapoffset" in notes[0]
    assert notes[0].split("ignored: ", 1)[1] in report["run"]["hw"]["description"]
    assert ("topology file: columns 'Eh', 'Ew', 'e2' are not SCALE-Sim columns: their values "
            "are ignored") in report["run"]["assumptions"]


def test_bad_cells_and_huge_rows_are_one_line_exit_2_nothing_written(capsys, tmp_path):
    cases = [("L, M, N, K,\ng, +-32, 5, 6,\n", "bad.csv:2: M must be an integer, got '+-32'"),
             ("L, M, N, K,\ng, 3\u00b2, 5, 6,\n", "bad.csv:2: M must be an integer, got '3\u00b2'"),
             ("L, IH, IW, FH, FW, C, NF, S,\nConvDP, 8, 8, 3, 3, 10000000, 1, 1,\n",
              "bad.csv:2: depthwise layer 'ConvDP' splits into 10,000,000 single-channel layers; "
              "a topology may hold at most 10,000")]
    for text, message in cases:
        (tmp_path / "bad.csv").write_text(text)
        out = tmp_path / "report"
        assert run_cli(["run", "--topology", str(tmp_path / "bad.csv"), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err
        assert not out.exists()


def test_every_example_runs_through_run_unchanged(capsys):
    """Each example topology on the default accelerator, and each loadable example config on
    one topology, through the whole `run` (1 x 1 terms: one job per row, to keep it quick)."""
    from fpxint_sim.hw import load_accelerator
    from fpxint_sim.sim.topology import read_topology_file

    one = ["--w-terms", "1", "--a-terms", "1", "--json"]
    for path in sorted(EXAMPLES.glob("v*/topologies/**/*.csv")):
        assert run_cli(["run", "--topology", str(path), *one]) == 0, path
        report = json.loads(capsys.readouterr().out)
        assert report["totals"]["layers"] == len(read_topology_file(path).layers), path
    topology = str(EXAMPLES / "v2/topologies/conv_nets/alexnet.csv")
    ran = 0
    for cfg in sorted(EXAMPLES.glob("v*/configs/*.cfg")):
        try:
            load_accelerator(cfg)
        except InputError:
            continue  # refused for its stated reason (tests/sim/test_scalesim_examples.py)
        assert run_cli(["run", "--topology", topology, "--hw", str(cfg), "--w-bits", "8",
                        *one]) == 0, cfg
        assert json.loads(capsys.readouterr().out)["totals"]["compute_cycles"] > 0
        ran += 1
    assert ran == 18
