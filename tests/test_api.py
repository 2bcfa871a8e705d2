"""fpxint_sim.emulate: the README example, its report equal to `run`'s, verify(), the layer
table, lazy import, and bad arguments."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

import fpxint_sim
from fpxint_sim.cli import main as cli_main
from fpxint_sim.cli import run_cmd
from fpxint_sim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
TPU = ROOT / "hw_configs" / "tpu_like_int8_ws_32x32.yaml"


def readme_example() -> str:
    """The README's Python API example, as written there (run from the repository root)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    found = [b for b in blocks if "fpxint_sim.emulate(" in b]
    assert len(found) == 1, "the README has one emulate example"
    return found[0]


def test_readme_example_runs():
    out = subprocess.run([sys.executable, "-c", readme_example()], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout.split("\n")
    cycles, agreement = out[0].split()
    assert int(cycles) > 0 and 0.0 <= float(agreement) <= 1.0
    assert out[1] == "True" and out[2] == "2 0 True"


def test_import_stays_light():
    # Neither the import nor looking emulate up loads torch: only calling it does.
    code = ("import sys, fpxint_sim; f = fpxint_sim.emulate; assert callable(f); "
            "sys.exit('torch' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_report_is_the_run_document_and_verify_checks_jobs(monkeypatch, capsys):
    example = ROOT / "examples" / "resnet.py"
    run = fpxint_sim.emulate(f"{example}:resnet18", hw=str(TPU))
    monkeypatch.setattr(cli_main, "COMMANDS", (*cli_main.COMMANDS, run_cmd)
                        if run_cmd not in cli_main.COMMANDS else cli_main.COMMANDS)
    assert cli_main.main(["run", "--model", f"{example}:resnet18", "--hw", str(TPU),
                          "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in ("totals", "layers", "schedule", "terms", "quality", "units", "schema"):
        assert run.report[key] == doc[key], key
    for key in ("source", "expansion", "hw"):
        assert run.report["run"][key] == doc["run"][key], key
    result = run.verify()
    assert result.ok and result.mismatches == 0
    assert result.jobs == sum(ly["jobs"] for ly in run.report["layers"]) > 0
    assert run.outputs.shape == (1, 1000)


def test_layers_table_is_flat_and_loads_into_pandas():
    model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 4)).eval()
    run = fpxint_sim.emulate(model, torch.randn(3, 16), expansion={"w_terms": 1})
    rows = run.layers_table()
    assert [r["name"] for r in rows] == ["0", "2"]
    assert all(not isinstance(v, (dict, list)) for r in rows for v in r.values())
    assert rows[0]["gemm.k"] == 16 and rows[0]["w_terms"] == 1
    assert json.loads(rows[0]["pairs"]) == [[1, j] for j in range(1, rows[0]["a_terms"] + 1)]
    jobs = run.jobs_table()
    assert len(jobs) == sum(r["jobs"] for r in rows) and {j["layer"] for j in jobs} == {"0", "2"}
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(rows)
    assert list(frame["name"]) == ["0", "2"] and frame["cycles"].sum() == sum(
        ly["cycles"] for ly in run.report["layers"])


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"model": nn.Linear(4, 2), "inputs": None}, "tensor or a non-empty tuple"),
    ({"model": nn.Linear(4, 2), "inputs": torch.randn(1, 4), "expansion": {"wterms": 2}},
     "unknown setting"),
    ({"model": nn.Linear(4, 2), "inputs": torch.randn(1, 4), "expansion": 3}, "ExpansionConfig"),
    ({"model": "resnet18", "inputs": torch.randn(1, 3, 8, 8)}, "--input spec string"),
    ({"model": nn.ReLU(), "inputs": torch.randn(1, 4)}, "no linear, convolution or matmul op"),
])
def test_bad_arguments_are_input_errors(kwargs, match):
    with pytest.raises(InputError, match=match):
        fpxint_sim.emulate(**kwargs)
