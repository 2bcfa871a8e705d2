"""`fpxint-sim run --memory-model`: the choice reaches every job and is named in the report."""

import json
from pathlib import Path

import pytest

from fpxint_sim.cli import main as cli_main
from fpxint_sim.cli import run_cmd
from fpxint_sim.sim.scalesim_memory import MEMORY_MODELS, conv_of, scalesim_memory_report

ROOT = Path(__file__).resolve().parents[2]
TPU = ROOT / "hw_configs" / "tpu_like_int8_ws_32x32.yaml"  # 32x32 ws, 256/256/128 KiB, 32 B/cycle
BITFUSION = ROOT / "hw_configs" / "bitfusion_16x16.yaml"  # INT4 pairs do 4 MACs per PE
TOPOLOGY = "Layer, IFMAP H, IFMAP W, Filter H, Filter W, Channels, Num Filter, Strides,\n" \
           "c3x3,14,14,3,3,256,256,1,\nc1x1_s2,28,28,1,1,96,40,2,\n"


@pytest.fixture(autouse=True)
def run_registered(monkeypatch):
    if run_cmd not in cli_main.COMMANDS:
        monkeypatch.setattr(cli_main, "COMMANDS", (*cli_main.COMMANDS, run_cmd))


def _run(tmp_path, capsys, *extra) -> dict:
    topo = tmp_path / "t.csv"
    topo.write_text(TOPOLOGY)
    assert cli_main.main(["run", "--topology", str(topo), "--hw", str(TPU), "--w-bits", "8",
                          "--a-bits", "8", "--w-terms", "1", "--a-terms", "1", *extra,
                          "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_choices_are_the_models_memory_models():
    import argparse

    sub = argparse.ArgumentParser().add_subparsers()
    run_cmd.add_parser(sub)
    action = next(a for a in sub.choices["run"]._actions if a.dest == "memory_model")
    assert tuple(action.choices) == MEMORY_MODELS and action.default == "fpxint"


def test_scalesim_run_costs_each_job_as_scalesim_and_says_so(tmp_path, capsys):
    from fpxint_sim.sim import load_topology

    doc = _run(tmp_path, capsys, "--memory-model", "scalesim")
    assert doc["run"]["memory_model"] == "scalesim"
    assert "--memory-model scalesim" in doc["run"]["command"]
    assert any(a.startswith("memory model scalesim") for a in doc["run"]["assumptions"])
    layers = load_topology(tmp_path / "t.csv")
    for layer, entry in zip(layers, doc["layers"], strict=True):
        rep = scalesim_memory_report(conv_of(layer.gemm), 32, 32, "ws", 262144, 262144, 131072,
                                     32)
        job = entry["per_job"][0]
        assert job["stall_cycles"] == rep.stall_cycles
        assert job["ifmap_dram_read_bytes"] == rep.dram_ifmap_reads
        assert job["filter_dram_read_bytes"] == rep.dram_filter_reads
        assert job["ofmap_dram_write_bytes"] == rep.dram_ofmap_writes
    assert doc["layers"][0]["per_job"][0]["stall_cycles"] > 0  # the case is not trivial


def test_default_run_names_its_memory_model_and_differs(tmp_path, capsys):
    ours = _run(tmp_path, capsys)
    assert ours["run"]["memory_model"] == "fpxint"
    assert "--memory-model fpxint" in ours["run"]["command"]
    theirs = _run(tmp_path, capsys, "--memory-model", "scalesim")
    assert ours["totals"]["dram_read_bytes"] != theirs["totals"]["dram_read_bytes"]


def test_multi_mac_pes_are_refused_with_exit_2(tmp_path, capsys):
    topo = tmp_path / "t.csv"
    topo.write_text(TOPOLOGY)
    assert cli_main.main(["run", "--topology", str(topo), "--hw", str(BITFUSION),
                          "--memory-model", "scalesim", "--json"]) == 2
    err = capsys.readouterr().err
    assert "layer c3x3: " in err and "1 MAC per PE" in err
    assert len(err.strip().splitlines()) == 1
