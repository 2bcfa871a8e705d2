"""`--model FILE.onnx`: ResNet-18 exported by torch.onnx.export gives the module's report
numbers and verifies bit-exact; a transformer-like graph's matmuls are integer jobs; bad files
are one line, exit 2, nothing written."""

from __future__ import annotations

import contextlib
import io
import json
import sys

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the ONNX reader needs the [onnx] extra")

import torch  # noqa: E402
from onnx_graphs import build, node  # noqa: E402

from fpxint_sim.cli import main as cli_main  # noqa: E402
from fpxint_sim.errors import InputError  # noqa: E402
from fpxint_sim.models import onnx_source  # noqa: E402
from fpxint_sim.models.reference import reference_module  # noqa: E402
from fpxint_sim.models.source import resolve_model  # noqa: E402

SHAPE = "1x3x32x32"
TOTALS = ("cycles", "macs", "energy_total_pj", "dram_read_bytes", "jobs", "overflow_events")


def _json(argv, capsys) -> dict:
    assert cli_main.main([*argv, "--json"]) == 0, argv
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """exported(kind) -> path: the bundled ResNet-18 (seed 0) exported once per kind at
    1x3x32x32. torch's two exporters ("dynamo", "torchscript") both fold BatchNorm into the
    convs by default, as files found in the wild are; "torchscript_keep_bn" keeps the
    BatchNormalization nodes (no constant folding)."""
    folder, paths = tmp_path_factory.mktemp("onnx"), {}

    def export(kind: str):
        if kind == "dynamo":
            pytest.importorskip("onnxscript", reason="the dynamo exporter needs onnxscript")
        if kind not in paths:
            module = reference_module("resnet18").build(0).eval()
            keep_bn = ({"training": torch.onnx.TrainingMode.PRESERVE,
                        "do_constant_folding": False} if kind == "torchscript_keep_bn" else {})
            paths[kind] = folder / f"resnet18_{kind}.onnx"
            with contextlib.redirect_stdout(io.StringIO()):  # the exporter's progress lines
                torch.onnx.export(module, (torch.randn(1, 3, 32, 32),), str(paths[kind]),
                                  dynamo=kind == "dynamo", **keep_bn)
        return paths[kind]

    return export


@pytest.mark.parametrize("exporter", ["dynamo", "torchscript", "torchscript_keep_bn"])
def test_resnet18_onnx_gives_the_module_report_numbers(exporter, exported, capsys):
    """Cycles, MACs, energy, traffic and every layer's jobs equal the module's. The float
    outputs equal too when the file keeps BatchNorm (expansion folds it as for the module);
    an exporter's own folding rounds the conv weights differently in the last bits, so the
    accuracy figures then differ in the fourth digit while the costs do not."""
    path = exported(exporter)
    module_doc = _json(["run", "--model", "resnet18", "--input", SHAPE], capsys)
    onnx_doc = _json(["run", "--model", str(path)], capsys)  # shape from the graph input
    assert onnx_doc["run"]["source"]["origin"] == "onnx"
    assert onnx_doc["run"]["source"]["input"] == module_doc["run"]["source"]["input"]
    for key in TOTALS:
        assert onnx_doc["totals"][key] == module_doc["totals"][key], key
    assert len(onnx_doc["layers"]) == len(module_doc["layers"]) == 21
    for ours, theirs in zip(onnx_doc["layers"], module_doc["layers"]):
        for key in theirs:
            if key != "name":
                assert ours[key] == theirs[key], (theirs["name"], key)
    if exporter == "dynamo":  # it keeps the module's parameter names: the same layer names
        assert [ly["name"] for ly in onnx_doc["layers"]] == [
            ly["name"] for ly in module_doc["layers"]]
    if exporter == "torchscript_keep_bn":
        assert onnx_doc["quality"] == module_doc["quality"]


def test_resnet18_onnx_verifies_bit_exact(exported, capsys):
    r = _json(["verify", "--model", str(exported("dynamo"))], capsys)
    assert r["ok"] and r["mismatched_outputs"] == 0 and r["outputs_bit_identical"]
    assert r["jobs_checked"] == sum(len(layer["jobs"]) for layer in r["layers"]) > 0
    assert r["integer_ops_left_float"] == []


def _attention_graph():
    """q/k/v projections (MatMul + Add), QK^T / sqrt(d), Softmax, AV, residual, LayerNorm."""
    rng = np.random.default_rng(1)
    w = {k: rng.standard_normal(s).astype(np.float32) * 0.3 for k, s in
         (("wq", (16, 16)), ("wk", (16, 16)), ("wv", (16, 16)), ("bq", (16,)),
          ("g", (16,)), ("b", (16,)))}
    w["scale"] = np.array(4.0, np.float32)
    nodes = [node("MatMul", ["x", "wq"], ["q0"]), node("Add", ["q0", "bq"], ["q"]),
             node("MatMul", ["x", "wk"], ["k"]), node("MatMul", ["x", "wv"], ["v"]),
             node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
             node("MatMul", ["q", "kt"], ["s0"]), node("Div", ["s0", "scale"], ["s"]),
             node("Softmax", ["s"], ["p"], axis=-1), node("MatMul", ["p", "v"], ["a"]),
             node("Add", ["x", "a"], ["h"]),
             node("LayerNormalization", ["h", "g", "b"], ["y"], axis=-1)]
    return build(nodes, [("x", (2, 8, 16))], ["y"], w), w


def _attention_in_torch(x, w):
    t = {k: torch.from_numpy(v) for k, v in w.items()}
    q = torch.add(torch.matmul(x, t["wq"]), t["bq"])
    k, v = torch.matmul(x, t["wk"]), torch.matmul(x, t["wv"])
    p = torch.softmax(torch.div(torch.matmul(q, k.permute(0, 2, 1)), t["scale"]), -1)
    h = torch.add(x, torch.matmul(p, v))
    return torch.nn.functional.layer_norm(h, (16,), t["g"], t["b"], 1e-5)


def test_transformer_like_onnx_runs_its_matmuls_as_integer_jobs(tmp_path, capsys):
    model, w = _attention_graph()
    path = tmp_path / "attention.onnx"
    onnx.save(model, path)
    src = resolve_model(str(path))
    assert src.kind == "onnx" and src.inputs[0].shape == (2, 8, 16)
    with torch.no_grad():  # the float module computes the graph with the same torch calls
        assert torch.equal(src.reference(), _attention_in_torch(src.inputs[0], w))
    doc = _json(["run", "--model", str(path)], capsys)
    kinds = sorted(layer["kind"] for layer in doc["layers"])
    assert kinds == ["act_matmul", "act_matmul", "linear", "linear", "linear"]
    low = _json(["lower", "--model", str(path)], capsys)
    ops = {op["op"]: op["kind"] for op in low["graph"]["ops"]}
    assert ops["softmax"] == "vector" and ops["layer_norm"] == "vector", ops
    r = _json(["verify", "--model", str(path)], capsys)
    assert r["ok"] and r["outputs_bit_identical"] and r["jobs_checked"] > 0


ENCODER = """import torch
from torch import nn


def make():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(32, 4, 64, batch_first=True).eval()
    nn.init.normal_(layer.self_attn.out_proj.bias)  # a zero bias would be dropped on export
    return layer, (torch.randn(2, 8, 32),)
"""


def test_exported_transformer_encoder_gives_the_module_report_numbers(tmp_path, capsys):
    """nn.TransformerEncoderLayer through the dynamo exporter: its Linears come out as MatMul +
    Add (3-D inputs) or Gemm, attention as MatMul / Softmax; the reader gives the module's
    jobs, cycles and energy (the bias Adds fold back into the linears: without that each
    would be a vector op the module does not have)."""
    pytest.importorskip("onnxscript", reason="the dynamo exporter needs onnxscript")
    (tmp_path / "enc.py").write_text(ENCODER)
    ns: dict = {}
    exec(ENCODER, ns)
    module, inputs = ns["make"]()
    path = tmp_path / "enc.onnx"
    with contextlib.redirect_stdout(io.StringIO()):
        torch.onnx.export(module, inputs, str(path), dynamo=True)
    module_doc = _json(["run", "--model", f"{tmp_path / 'enc.py'}:make"], capsys)
    onnx_doc = _json(["run", "--model", str(path)], capsys)
    # The integer layers and the vector-unit math are the same; the copies are not: the
    # exporter spells the head split as Reshape/Transpose (torch copies at three reshapes of
    # transposed tensors) where the module calls one .contiguous(), so only the data rows
    # (kind 'data') may differ.
    for key in TOTALS:
        assert [ly[key] for ly in onnx_doc["layers"]] == \
            [ly[key] for ly in module_doc["layers"]], key

    def math_rows(doc):
        return [(r["vector_ops"], r["in_elements"], r["out_elements"], r["cycles"],
                 r["fused_into"]) for r in doc["vector_rows"] if r["kind"] == "vector"]

    assert math_rows(onnx_doc) == math_rows(module_doc) and math_rows(module_doc)
    kinds = [ly["kind"] for ly in onnx_doc["layers"]]
    assert kinds == [ly["kind"] for ly in module_doc["layers"]]
    assert kinds.count("act_matmul") == 2 and kinds.count("linear") == 4
    names = [ly["name"] for ly in onnx_doc["layers"] if ly["kind"] == "linear"]
    assert names == ["self_attn.in_proj", "self_attn.out_proj", "linear1", "linear2"]


def _cli_refuses(argv, match, capsys, tmp_path) -> str:
    out = tmp_path / "out"
    assert cli_main.main(["run", *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert match in err and len(err.splitlines()) == 1, err
    assert not out.exists()  # nothing written
    return err


def test_malformed_file_is_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "junk.onnx"
    bad.write_bytes(b"\xff\x00not a protobuf at all\x13\x37" * 10)
    err = _cli_refuses(["--model", str(bad)], "not an ONNX model", capsys, tmp_path)
    assert str(bad) in err
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"\x08\x07")  # parses as a model with ir_version 7 and no graph
    _cli_refuses(["--model", str(empty)], "no graph with nodes", capsys, tmp_path)


def test_torchscript_renamed_onnx_is_named_as_such(tmp_path, capsys):
    path = tmp_path / "scripted.onnx"
    torch.jit.script(torch.nn.Linear(4, 2)).save(str(path))
    err = _cli_refuses(["--model", str(path)], "TorchScript", capsys, tmp_path)
    assert str(path) in err


def test_unsupported_op_names_node_op_type_and_file(tmp_path, capsys):
    model = build([node("Relu", ["x"], ["r"]), node("TopK", ["r", "k"], ["v", "i"],
                                                     name="pick_best")],
                  [("x", (2, 5))], ["v"], {"k": np.array([2], np.int64)})
    path = tmp_path / "topk.onnx"
    onnx.save(model, path)
    err = _cli_refuses(["--model", str(path)], "node 'pick_best' has op_type 'TopK'", capsys,
                       tmp_path)
    assert str(path) in err


@pytest.mark.parametrize(("case", "match"), [
    ("opset", "opset 9 is not read"),
    ("runtime_shape", "node 'reshape_by_data' (Reshape): input 1"),
    ("huge_constant", "more than the"),
    ("outside_data", "not a file beside the model"),
])
def test_refused_graphs_are_one_line(case, match, tmp_path, capsys):
    if case == "opset":
        model = build([node("Relu", ["x"], ["y"])], [("x", (2, 3))], ["y"], opset=9)
    elif case == "runtime_shape":  # a shape computed from the data, not from shapes
        model = build([node("Cast", ["x"], ["s"], to=onnx.TensorProto.INT64),
                       node("Reshape", ["x", "s"], ["y"], name="reshape_by_data")],
                      [("x", (2,))], ["y"])
    elif case == "huge_constant":  # 10^10 values: refused from the shape, never allocated
        model = build([node("ConstantOfShape", ["shape"], ["c"]),
                       node("Add", ["x", "c"], ["y"])], [("x", (1,))], ["y"],
                      {"shape": np.array([100_000, 100_000], np.int64)})
    else:  # weights in an existing file one folder up: not read
        model = build([node("MatMul", ["x", "w"], ["y"])], [("x", (2, 3))], ["y"],
                      {"w": np.ones((3, 4), np.float32)})
        w = model.graph.initializer[0]
        w.ClearField("raw_data")
        w.data_location = onnx.TensorProto.EXTERNAL
        (tmp_path / "outside.bin").write_bytes(np.ones(12, np.float32).tobytes())
        w.external_data.add(key="location", value="../outside.bin")
        tmp_path = tmp_path / "model"
        tmp_path.mkdir()
    path = tmp_path / f"{case}.onnx"
    onnx.save(model, path)
    _cli_refuses(["--model", str(path)], match, capsys, tmp_path)


def test_dynamic_dimensions_need_input(tmp_path, capsys):
    model = build([node("MatMul", ["x", "w"], ["y"])], [("x", ("batch", 3))], ["y"],
                  {"w": np.ones((3, 4), np.float32)})
    path = tmp_path / "dyn.onnx"
    onnx.save(model, path)
    _cli_refuses(["--model", str(path)], "dynamic dimensions (batchx3); give its shape with "
                 "--input", capsys, tmp_path)
    src = resolve_model(str(path), "5x3")
    assert src.inputs[0].shape == (5, 3)
    with pytest.raises(InputError, match=r"graph input 'x' .* has shape batchx3, got 5x4"):
        resolve_model(str(path), "5x4")
    torch.save(torch.zeros(5, 3, dtype=torch.int64), tmp_path / "ids.pt")
    with pytest.raises(InputError, match=r"graph input 'x' .* takes floats, got int64"):
        resolve_model(str(path), str(tmp_path / "ids.pt"))


def test_missing_onnx_package_names_the_extra(tmp_path, monkeypatch):
    path = tmp_path / "m.onnx"
    onnx.save(build([node("Relu", ["x"], ["y"])], [("x", (2, 3))], ["y"]), path)
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx raises ImportError
    with pytest.raises(InputError, match=r"pip install 'fpxint_sim\[onnx\]'"):
        onnx_source.load_onnx(path)
