"""`--model` sources: bundled names, FILE.py:FUNCTION, .pt2, and the refused formats, each
problem as one InputError naming the file or function."""

import textwrap

import pytest
import torch
from torch import nn

from fpxint_sim.errors import InputError
from fpxint_sim.expand import ExpansionConfig
from fpxint_sim.models.prepare import expand_source, prepare_for_expansion
from fpxint_sim.models.source import resolve_model, source_from_module

NET = """
import torch
from torch import nn

def make():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 3)), (torch.randn(2, 8),)

def one_tensor():
    return nn.Linear(8, 2), torch.randn(1, 8)

def not_a_pair():
    return nn.Linear(8, 2)

def not_a_module():
    return "model", (torch.randn(1, 8),)

def bad_inputs():
    return nn.Linear(8, 2), ["x"]

def raises():
    raise RuntimeError("weights missing")

value = 3
"""


@pytest.fixture
def net_file(tmp_path):
    path = tmp_path / "net.py"
    path.write_text(textwrap.dedent(NET))
    return path


def test_python_function_source(net_file):
    src = resolve_model(f"{net_file}:make")
    assert src.kind == "python" and src.samples == 2 and src.input_description == "2x8 float32"
    assert src.reference().shape == (2, 3)
    assert resolve_model(f"{net_file}:one_tensor").inputs[0].shape == (1, 8)
    assert resolve_model(f"{net_file}:make", "5x8").inputs[0].shape == (5, 8)


@pytest.mark.parametrize(("func", "match"), [
    ("missing", "has no function 'missing'"), ("value", "has no function 'value'"),
    ("not_a_pair", "must return \\(module, example_inputs\\)"),
    ("not_a_module", "not a torch.nn.Module"), ("bad_inputs", "tuple of tensors"),
    ("raises", "raises\\(\\) failed \\(RuntimeError: weights missing\\)"),
    ("1bad", "not a function name"),
])
def test_python_function_problems_name_the_function(net_file, func, match):
    with pytest.raises(InputError, match=match) as e:
        resolve_model(f"{net_file}:{func}")
    assert str(net_file) in str(e.value) and "\n" not in str(e.value)


def test_python_file_missing_or_broken(tmp_path):
    with pytest.raises(InputError, match="not found"):
        resolve_model(f"{tmp_path}/none.py:make")
    broken = tmp_path / "broken.py"
    broken.write_text("import nosuchpackage_xyz\n")
    with pytest.raises(InputError, match=r"importing .*broken\.py failed .*ModuleNotFoundError"):
        resolve_model(f"{broken}:make")


def test_model_failing_on_its_inputs_is_one_line(net_file):
    src = resolve_model(f"{net_file}:make", "2x5")
    with pytest.raises(InputError, match="the float model fails on inputs 2x5 float32"):
        src.reference()


def test_pt2_source_keeps_its_saved_inputs_and_expands_through_capture(tmp_path):
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5))
    x = torch.randn(1, 3, 8, 8)
    torch.export.save(torch.export.export(model.eval(), (x,)), tmp_path / "m.pt2")
    src = resolve_model(str(tmp_path / "m.pt2"))
    assert src.kind == "pt2" and torch.equal(src.inputs[0], x)
    with torch.no_grad():
        assert torch.equal(src.reference(), model(x))
    # The program's module() holds its conv and linear as graph nodes: capture makes them
    # expandable layers, the same ones as the module's (names from the weights' owners).
    em = expand_source(src, ExpansionConfig())
    direct = expand_source(source_from_module(model, x), ExpansionConfig())
    assert list(direct.layers) == ["0", "3"]
    assert list(em.layers) == ["program.0", "program.3"]  # the program is the source's child
    with torch.no_grad():
        assert torch.equal(src.forward(em.module), src.forward(direct.module))


def test_refused_formats_name_the_formats_that_work(tmp_path):
    model = nn.Sequential(nn.Linear(4, 2))
    torch.jit.script(model).save(str(tmp_path / "ts.pt"))
    torch.save(model.state_dict(), tmp_path / "sd.pt")
    (tmp_path / "m.bin").write_bytes(b"")
    for name, match in [("ts.pt", "TorchScript"), ("sd.pt", "torch.save file"),
                        ("m.bin", "unknown file type")]:
        with pytest.raises(InputError, match=match) as e:
            resolve_model(str(tmp_path / name))
        assert "FILE.py:FUNCTION" in str(e.value) and ".pt2" in str(e.value)


def test_torchscript_saved_as_pt2_is_refused_too(tmp_path):
    torch.jit.script(nn.Linear(4, 2)).save(str(tmp_path / "ts.pt2"))
    with pytest.raises(InputError, match="TorchScript"):
        resolve_model(str(tmp_path / "ts.pt2"))


def test_bundled_sources():
    digits = resolve_model("digits_cnn", samples=8)
    assert digits.samples == 8 and digits.labels is not None and not digits.per_token
    assert resolve_model("digits_cnn").samples == 449
    r18 = resolve_model("resnet18", "1x3x32x32")
    assert "random weights" in r18.weights and "random weights" in r18.description
    assert r18.inputs[0].shape == (1, 3, 32, 32)
    bert = resolve_model("bert_base", "ids:1x16")
    assert bert.inputs[0].dtype == torch.int64 and bert.inputs[0].max() < 30522
    assert resolve_model("llama_block").inputs[0].shape == (1, 64, 256)


@pytest.mark.parametrize(("args", "match"), [
    (("nosuch",), "unknown model 'nosuch'"),
    (("digits_cnn", "1x1x8x8"), "--input does not apply to digits_cnn"),
    (("resnet18", None, 4), "--samples applies to digits_cnn and minilm only"),
    (("digits_cnn", None, 450), "--samples must be 1..449"),
])
def test_bad_requests(args, match):
    with pytest.raises(InputError, match=match):
        resolve_model(*args)


def test_source_from_module_and_the_prepare_seam():
    m = nn.Linear(3, 2)
    src = source_from_module(m, torch.randn(1, 3))
    assert src.inputs[0].shape == (1, 3)
    prepared = prepare_for_expansion(m, src.inputs)  # the captured graph of the same function
    assert isinstance(prepared, torch.fx.GraphModule)
    assert torch.equal(prepared(*src.inputs), m(*src.inputs))
    with pytest.raises(InputError, match="tensor or a non-empty tuple"):
        source_from_module(m, [])
    with pytest.raises(InputError, match=r"torch\.nn\.Module"):
        source_from_module("x", torch.randn(1))
