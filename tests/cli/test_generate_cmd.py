"""`fpxint-sim generate`: the report's phases, its files, bad input (exit 2, nothing written)."""

import json

import pytest

from fpxint_sim.cli.main import main
from fpxint_sim.hw.load import HW_CONFIG_DIR

TOY = """name: toy
d_model: 64
layers: 2
heads: 4
kv_heads: 2
d_ff: 96
vocab: 50
mlp: swiglu
max_context: 128
"""


@pytest.fixture
def toy(tmp_path):
    p = tmp_path / "toy.yaml"
    p.write_text(TOY)
    return str(p)


def _doc(argv, capsys) -> dict:
    assert main(["generate", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_report_has_every_phase_figure(toy, capsys):
    doc = _doc(["--model", toy, "--prompt", "16", "--new", "8", "--w-terms", "2",
                "--kv", "int8"], capsys)
    pre, dec = doc["phases"]["prefill"], doc["phases"]["decode"]
    for p in (pre, dec):
        assert set(p["dram_bytes"]) == {"weights", "kv_cache", "activations", "total"}
        assert p["cycles"] >= p["compute_cycles"] + p["stall_cycles"] > 0
        assert p["energy_total_pj"] == pytest.approx(sum(p["energy_pj"].values()))
    clock = doc["run"]["hw"]["clock_mhz"] * 1e6
    assert pre["time_to_first_token_s"] == pre["cycles"] / clock
    assert dec["tokens_per_s"] == pytest.approx(8 / (dec["cycles"] / clock))
    assert dec["energy_per_token_j"] == pytest.approx(dec["energy_total_pj"] * 1e-12 / 8)
    assert {g["bound"] for g in doc["gemms"] if g["precision"] != "vector"} <= {"memory",
                                                                                "compute"}
    assert {g["bound"] for g in doc["gemms"] if g["precision"] == "vector"} <= {
        "DRAM", "vector unit"}
    assert doc["run"]["weights"] == "int4x2" and doc["run"]["kv_cache"] == "int8"


def test_out_writes_the_three_files_and_refuses_foreign_dirs(toy, tmp_path, capsys):
    out = tmp_path / "gen"
    assert main(["generate", "--model", toy, "--prompt", "4", "--new", "2", "--out",
                 str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["gemms.csv", "report.html", "report.json"]
    assert "Roofline, decode" in (out / "report.html").read_text()
    assert main(["generate", "--model", toy, "--prompt", "4", "--new", "2", "--out",
                 str(out)]) == 0  # our own report is replaced
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep")
    assert main(["generate", "--model", toy, "--prompt", "4", "--new", "2", "--out",
                 str(foreign)]) == 2
    assert "not an fpxint_sim report" in capsys.readouterr().err
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("extra, message", [
    (["--kv", "int5"], "--kv: 'int5' is not a stored format"),
    (["--w-terms", "9"], "--w-terms 9: must be in 1..6"),
    (["--new", "200"], "exceeds toy's max_context 128"),
    (["--arith", "w4a4", "--kv", "fp16"], "W4A4 runs on the integer MACs"),
    (["--hw", str(HW_CONFIG_DIR / "bitfusion_16x16.yaml")], "no w4a16 section"),
    (["--kv-memory", "sram"], "--kv-memory sram needs a kv_sram section"),
])
def test_bad_input_exits_2_with_one_line(toy, extra, message, capsys):
    argv = ["generate", "--model", toy, "--prompt", "4", "--new", "2", "--json", *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_shipped_llama_decode_costs_out(capsys):
    doc = _doc(["--model", "llama2-70b", "--prompt", "128", "--new", "4", "--kv", "int4x2"],
               capsys)
    qk = next(g for g in doc["gemms"] if g["phase"] == "decode" and g["name"] == "attn_qk")
    assert qk["runs"] == 80 * 8 * 4  # layers x KV heads (GQA) x steps
