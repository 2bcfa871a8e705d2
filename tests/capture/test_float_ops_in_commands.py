"""`verify` exits 1 when an integer-eligible op stayed float unless allowed; `lower` lists ops."""

import json

from fpxint_sim.cli.main import main as run_cli

MODELS = """
import torch
from torch import nn


class LeftConstant(nn.Module):
    \"\"\"W @ x with a constant left operand: no rule makes it an integer job.\"\"\"

    def __init__(self):
        super().__init__()
        self.m = nn.Parameter(torch.randn(3, 4))
        self.fc = nn.Linear(5, 2)

    def forward(self, x):
        return self.fc(torch.relu(self.m @ x))


def left_constant():
    torch.manual_seed(0)
    return LeftConstant().eval(), (torch.randn(4, 5),)


def relu_only():
    return nn.Sequential(nn.ReLU()), (torch.randn(2, 3),)
"""


def _models(tmp_path) -> str:
    path = tmp_path / "models.py"
    path.write_text(MODELS)
    return str(path)


def test_verify_exits_1_naming_a_float_gemm_and_0_when_it_is_allowed(tmp_path, capsys):
    spec = _models(tmp_path) + ":left_constant"
    assert run_cli(["verify", "--model", spec]) == 1
    out = capsys.readouterr().out
    assert "matmul (matmul) stayed float" in out and "--allow-float matmul" in out
    assert run_cli(["verify", "--model", spec, "--allow-float", "matmul", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["ok"] and r["integer_ops_left_float"] == [] and r["jobs_checked"] > 0


def test_verify_of_a_model_without_any_integer_op_is_bad_input(tmp_path, capsys):
    assert run_cli(["verify", "--model", _models(tmp_path) + ":relu_only"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "no linear, convolution or matmul op" in err


def test_lower_lists_every_op_of_digits_with_its_kind(capsys):
    assert run_cli(["lower", "--model", "digits_cnn", "--samples", "4", "--json"]) == 0
    graph = json.loads(capsys.readouterr().out)["graph"]
    kinds = {op["name"]: op["kind"] for op in graph["ops"]}
    assert [n for n, k in kinds.items() if k == "integer"] == [
        "features.0", "features.3", "features.6", "features.9", "classifier.1",
        "classifier.3"]
    assert graph["counts"].get("unhandled", 0) == 0
    assert {op["op"]: op["kind"] for op in graph["ops"]}["relu"] == "vector"
    assert sum(graph["counts"].values()) == len(graph["ops"])
