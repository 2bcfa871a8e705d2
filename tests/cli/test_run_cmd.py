"""`fpxint-sim run`: topology and model runs, the report files, --json, and bad input (exit 2)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fpxint_sim.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]
RESNET18 = ROOT / "tests" / "sim" / "resnet18_scalesim.csv"
TPU = ROOT / "hw_configs" / "tpu_like_int8_ws_32x32.yaml"
SAMPLES = 64


def _json_run(argv, capsys) -> dict:
    assert cli_main.main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def model_report(tmp_path_factory):
    """One digits_cnn run (first SAMPLES test images), shared by the model tests."""
    out = tmp_path_factory.mktemp("model") / "rep"
    assert cli_main.main(["run", "--model", "digits_cnn", "--samples", str(SAMPLES),
                          "--out", str(out)]) == 0
    return json.loads((out / "report.json").read_text()), out


def test_topology_run_equals_simulate_layers(capsys):
    from fpxint_sim.hw import load_accelerator
    from fpxint_sim.sim import load_topology, simulate_layers

    doc = _json_run(["run", "--topology", str(RESNET18), "--hw", str(TPU), "--w-bits", "8",
                     "--a-bits", "8", "--w-terms", "1", "--a-terms", "1"], capsys)
    from fpxint_sim.sim import simulate_job
    from fpxint_sim.sim.layer_work import LayerWork
    from fpxint_sim.sim.work_sim import layer_epilogue_traffic

    hw = load_accelerator(TPU)
    reference = simulate_layers(hw, load_topology(RESNET18), 8, 8)
    assert [ly["name"] for ly in doc["layers"]] == [layer.name for layer, _ in reference]
    for ly, (layer, r) in zip(doc["layers"], reference):
        # The array side is SCALE-Sim's job exactly ...
        for key in ("macs", "compute_cycles", "folds", "dram_read_bytes",
                    "ifmap_sram_read_bytes", "filter_sram_read_bytes"):
            assert ly[key] == getattr(r, key), (ly["name"], key)
        assert ly["energy_pj"]["mac"] == r.energy_pj["mac"]
        # ... and the output goes through the epilogue: the job hands its accumulators over on
        # chip, the layer's fp32 output is written once (docs/performance_model.md).
        job = simulate_job(hw, layer.gemm, 8, 8, 0, output_bits=0)
        tail = layer_epilogue_traffic(hw, LayerWork(layer.name, layer.gemm, ((1, 1),), 8, 8))
        for key in ("stall_cycles", "dram_write_bytes", "ofmap_sram_read_bytes"):
            assert ly[key] == getattr(job, key) + getattr(tail, key), (ly["name"], key)
        assert ly["cycles"] == max(job.cycles, ly["vector_cycles"]) + tail.cycles
    assert doc["totals"]["compute_cycles"] == sum(r.compute_cycles for _, r in reference)


def test_topology_run_does_not_import_torch(tmp_path):
    code = (
        "import sys\n"
        "from fpxint_sim.cli import main as m\n"
        f"rc = m.main(['run', '--topology', {str(RESNET18)!r}, '--out', {str(tmp_path / 'r')!r}])\n"
        "assert rc == 0, rc\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, capture_output=True)
    assert (tmp_path / "r" / "report.html").exists()


def test_json_output_equals_report_json(tmp_path, capsys):
    out = tmp_path / "rep"
    doc = _json_run(["run", "--topology", str(RESNET18), "--hw", str(TPU), "--out", str(out)],
                    capsys)
    from fpxint_sim.report.files import report_json_text

    text = (out / "report.json").read_text()
    assert json.loads(text) == doc and text == report_json_text(doc)
    layer_lines = [line for line in text.splitlines() if line.startswith('  {"name": ')]
    assert len(layer_lines) == len(doc["layers"])  # one line per layer
    assert doc["run"]["source"]["kind"] == "topology"
    assert doc["run"]["expansion"]["a_terms"] == 4 and doc["run"]["expansion"]["w_terms"] == 2
    assert all(ly["pairs"] == [[i, j] for i in (1, 2) for j in (1, 2, 3, 4)]
               for ly in doc["layers"])


def test_model_run_costs_the_activation_terms_the_run_really_used(model_report):
    import torch

    from fpxint_sim.expand import ExpansionConfig, expand_model
    from fpxint_sim.models import load_digits_cnn, load_digits_test

    doc, _ = model_report
    cfg = ExpansionConfig(w_bits=4, a_bits=4, w_terms=2, a_tol=1e-4, a_max_terms=6)
    em = expand_model(load_digits_cnn(), cfg)
    with torch.no_grad():
        em(load_digits_test()[0][:SAMPLES])
    assert [ly["name"] for ly in doc["layers"]] == list(em.layers)
    for ly, layer in zip(doc["layers"], em.layers.values()):
        assert ly["a_terms"] == layer.a_term_counts[-1]
        assert len(ly["pairs"]) == layer.jobs_per_forward[-1]
    assert doc["run"]["source"]["samples"] == SAMPLES
    # The values ran through the bit-exact engine: 32-bit accumulators never overflow here.
    assert doc["totals"]["overflow_events"] == 0
    assert all(ly["overflow_events"] == 0 for ly in doc["layers"])


def test_model_run_gemm_shapes_follow_the_layers(model_report):
    doc, out = model_report
    by_name = {ly["name"]: ly for ly in doc["layers"]}
    first = by_name["features.0"]  # conv 1 -> 16, 3x3, pad 1, on 8x8 images
    assert first["gemm"]["m"] == SAMPLES * 8 * 8 and first["gemm"]["k"] == 9
    assert first["gemm"]["n"] == 16 and first["groups"] == 1
    depthwise = by_name["features.6"]  # 32 groups of one channel, 4x4
    assert depthwise["groups"] == 32 and depthwise["gemm"]["n"] == 1
    assert depthwise["gemm"]["m"] == SAMPLES * 4 * 4 and depthwise["gemm"]["k"] == 9
    fc = by_name["classifier.1"]
    assert (fc["gemm"]["m"], fc["gemm"]["k"], fc["gemm"]["n"]) == (SAMPLES, 512, 64)
    assert sorted(os.listdir(out)) == ["layers.csv", "report.html", "report.json"]
    assert 0.9 < doc["quality"]["accuracy"] <= 1.0


@pytest.mark.parametrize(("make", "match"), [
    (lambda d: ["--topology", str(RESNET18), "--hw", _write(d, "bad.yaml", "array: [1,\n")],
     "malformed YAML"),
    (lambda d: ["--topology", _write(d, "bad.csv", "c0, 8, 8, 3, 3, 1, 4, 1,\n"
                                                   "c1, 8, 8, 3, 3, x, 4, 1,\n")],
     "channels must be an integer"),
    (lambda d: ["--model", "nosuch"], "unknown model 'nosuch'"),
    (lambda d: ["--model", "digits_cnn", "--samples", str(10**9)], "--samples must be 1..449"),
    (lambda d: ["--topology", str(RESNET18), "--w-bits", "8", "--hw",
                str(Path(__file__).parents[2] / "hw_configs" / "edge_int4_os_8x8.yaml")],
     "weight terms are int8, which no weight type"),
    (lambda d: ["--topology", str(RESNET18), "--w-bits", "0"], "--w-bits=0 is unsupported"),
    (lambda d: ["--topology", str(RESNET18), "--a-bits", "1"], "--a-bits=1 is unsupported"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, make, match):
    out = tmp_path / "rep"
    assert cli_main.main(["run", *make(tmp_path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert match in err and len(err.splitlines()) == 1, err
    assert not out.exists()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".rep")]


def test_an_out_dir_holding_user_files_is_refused_untouched(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    assert cli_main.main(["run", "--topology", str(RESNET18), "--out", str(out)]) == 2
    assert "not an fpxint_sim report" in capsys.readouterr().err
    assert os.listdir(out) == ["thesis.tex"] and os.listdir(tmp_path) == ["mine"]


def _write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text)
    return str(path)


def test_model_run_counts_the_overflow_events_the_engine_really_hit(tmp_path, capsys):
    # x86/fbgemm arithmetic with W8A8: u8 x s8 pair sums saturate int16 on real data.
    from fpxint_sim.cli.main import main

    hw = str(Path(__file__).parents[2] / "hw_configs" / "x86_fbgemm.yaml")
    assert main(["run", "--model", "digits_cnn", "--hw", hw, "--w-bits", "8", "--a-bits", "8",
                 "--samples", "8", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["totals"]["overflow_events"] > 0
    assert doc["totals"]["overflow_events"] == sum(ly["overflow_events"] for ly in doc["layers"])


def test_run_prints_energy_by_component_and_area_with_its_node(tmp_path, capsys):
    from fpxint_sim.hw import load_accelerator
    from fpxint_sim.hw.area import total_area_mm2

    gemm = tmp_path / "gemm.csv"
    gemm.write_text("Layer name,M,K,N\ngemm,64,64,64\n")
    out = tmp_path / "rep"
    assert cli_main.main(["run", "--topology", str(gemm), "--hw", str(TPU), "--w-bits", "8",
                          "--a-bits", "8", "--w-terms", "1", "--a-terms", "1",
                          "--out", str(out)]) == 0
    text = capsys.readouterr().out
    doc = json.loads((out / "report.json").read_text())
    area = total_area_mm2(load_accelerator(TPU))
    assert doc["area"]["total_mm2"] == pytest.approx(area, rel=1e-12)
    assert f"area: {area:.3g} mm^2 at 45 nm with DDR4" in text
    energy_line = next(line for line in text.splitlines() if line.startswith("energy: "))
    assert "dram" in energy_line and "mac" in energy_line
