"""`verify` exits 1 when an integer-eligible op stayed float unless allowed; `lower` lists ops."""

import json

import torch
from torch import nn

import fpxint_sim.models.sample_batch as sample_batch
from fpxint_sim.cli.main import main as run_cli


class LeftConstant(nn.Module):
    """W @ x with a constant left operand: no rule makes it an integer job."""

    def __init__(self):
        super().__init__()
        self.m = nn.Parameter(torch.randn(3, 4))
        self.fc = nn.Linear(5, 2)

    def forward(self, x):
        return self.fc(torch.relu(self.m @ x))


def _serve(monkeypatch, module, x):
    class Loaded:
        pass

    loaded = Loaded()
    loaded.module = module

    def fake(name, samples=None, default_samples=None):
        return loaded, (lambda m: m(x)), "test input"

    monkeypatch.setattr(sample_batch, "sample_forward", fake)


def test_verify_exits_1_naming_a_float_gemm_and_0_when_it_is_allowed(monkeypatch, capsys):
    torch.manual_seed(0)
    _serve(monkeypatch, LeftConstant().eval(), torch.randn(4, 5))
    assert run_cli(["verify", "--model", "digits_cnn"]) == 1
    out = capsys.readouterr().out
    assert "matmul (matmul) stayed float" in out and "--allow-float matmul" in out
    assert run_cli(["verify", "--model", "digits_cnn", "--allow-float", "matmul", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["ok"] and r["integer_ops_left_float"] == [] and r["jobs_checked"] > 0


def test_verify_exits_1_when_no_integer_job_ran(monkeypatch, capsys):
    _serve(monkeypatch, nn.Sequential(nn.ReLU()), torch.randn(2, 3))
    assert run_cli(["verify", "--model", "digits_cnn"]) == 1
    assert "no integer job ran" in capsys.readouterr().out


def test_lower_lists_every_op_of_digits_with_its_kind(capsys):
    assert run_cli(["lower", "--model", "digits_cnn", "--samples", "4", "--json"]) == 0
    graph = json.loads(capsys.readouterr().out)["graph"]
    kinds = {op["name"]: op["kind"] for op in graph["ops"]}
    assert [n for n, k in kinds.items() if k == "integer"] == [
        "features.0", "features.3", "features.6", "features.9", "classifier.1",
        "classifier.3"]
    assert graph["counts"].get("unhandled", 0) == 0
    assert kinds["relu"] == "vector" and sum(graph["counts"].values()) == len(graph["ops"])
