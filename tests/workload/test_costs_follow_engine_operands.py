"""The cost of every job follows from what the engine executed: one operand rule for both.

digits_cnn runs through the engine (`run --model`) on several descriptions whose operand types
differ; job by job, the report's operand types, offsets, MAC rate key and zero-point correction
charges must equal what the engine's counters recorded for that job.
"""

import json
from pathlib import Path

import pytest

from fpxint_sim.cli import main as cli_main
from fpxint_sim.cli import run_cmd
from fpxint_sim.engine import run as engine_run_module
from fpxint_sim.hw import load_accelerator

ROOT = Path(__file__).resolve().parents[2]
BITFUSION = ROOT / "hw_configs" / "bitfusion_16x16.yaml"
X86 = ROOT / "hw_configs" / "x86_fbgemm.yaml"
BITFUSION_TYPES = "activation_types: [int8, uint8, int4, uint4]"
SAMPLES = 16


@pytest.fixture(autouse=True)
def run_registered(monkeypatch):
    if run_cmd not in cli_main.COMMANDS:
        monkeypatch.setattr(cli_main, "COMMANDS", (*cli_main.COMMANDS, run_cmd))


def _bitfusion_with(tmp_path: Path, types: str) -> Path:
    text = BITFUSION.read_text()
    assert BITFUSION_TYPES in text
    out = tmp_path / f"bitfusion_{types.replace(', ', '_')}.yaml"
    out.write_text(text.replace(BITFUSION_TYPES, f"activation_types: [{types}]"))
    return out


def _run_on_engine(hw_file: Path, monkeypatch, capsys, *extra: str):
    """(report document, EngineRun) of one `run --model digits_cnn` on the engine."""
    runs = []
    real = engine_run_module.run_on_accelerator

    def keep(*args, **kwargs):
        runs.append(real(*args, **kwargs))
        return runs[-1]

    monkeypatch.setattr(engine_run_module, "run_on_accelerator", keep)
    assert cli_main.main(["run", "--model", "digits_cnn", "--hw", str(hw_file), "--samples",
                          str(SAMPLES), *extra, "--json"]) == 0
    assert len(runs) == 1, "run --model did not go through the engine"
    return json.loads(capsys.readouterr().out), runs[0]


def _assert_report_equals_engine(doc: dict, engine) -> list[tuple]:
    """Job by job: the report's charges equal the engine's record; returns the job facts."""
    hw = load_accelerator(doc["run"]["hw"]["file"])
    rates = hw.arithmetic.macs_per_pe_per_cycle
    facts = []
    assert {ly["name"] for ly in doc["layers"]} == set(engine.layers)
    for ly in doc["layers"]:
        executed = engine.layers[ly["name"]].jobs
        assert {(j["i"], j["j"]) for j in ly["per_job"]} == set(executed), ly["name"]
        for job in ly["per_job"]:
            ran = executed[(job["i"], job["j"])]
            where = (ly["name"], job["i"], job["j"])
            assert job["weight_operand"] == ran.weight_operand, where
            assert job["activation_operand"] == ran.activation_operand, where
            assert job["weight_offset"] == ran.weight_offset, where
            assert job["activation_offset"] == ran.activation_offset, where
            assert job["precision"] == ran.precision, where
            assert job["macs_per_pe_per_cycle"] == rates[ran.precision], where
            assert job["macs"] == ran.macs, where
            assert job["activation_zero_point"] == ran.activation_zero_point, where
            assert job["weight_zero_point"] == ran.weight_zero_point, where
            assert job["zero_point_correction"] == (ran.zero_point_correction_ops > 0), where
            assert job["zero_point_correction_ops"] == ran.zero_point_correction_ops, where
            facts.append((ran.activation_operand, ran.activation_offset, ran.precision,
                          ran.zero_point_correction_ops > 0))
    zp_total = sum(j["zero_point_correction_ops"] for ly in doc["layers"] for j in ly["per_job"])
    assert doc["totals"]["epilogue_ops"]["zero_point_correction"] == zp_total
    return facts


def test_bitfusion_default_charges_what_the_engine_ran(monkeypatch, capsys):
    doc, engine = _run_on_engine(BITFUSION, monkeypatch, capsys)
    facts = _assert_report_equals_engine(doc, engine)
    # signed int4 and uint4 PE types: every 4-bit term runs as stored at the int4 rate
    assert {f[0] for f in facts} == {"int4", "uint4"} and {f[2] for f in facts} == {"int4"}


def test_x86_uint8_only_activations_charge_every_offset_correction(monkeypatch, capsys):
    doc, engine = _run_on_engine(X86, monkeypatch, capsys, "--w-bits", "8", "--a-bits", "8")
    facts = _assert_report_equals_engine(doc, engine)
    # 8-bit terms: the signed ones fed as q + 128 in uint8, each of their jobs corrected
    offset = [f for f in facts if f[1] == 128]
    assert offset and all(f[3] for f in offset)
    assert {f[0] for f in facts} == {"uint8"}


def test_int4_int8_activations_run_unsigned_terms_as_int8(tmp_path, monkeypatch, capsys):
    doc, engine = _run_on_engine(_bitfusion_with(tmp_path, "int4, int8"), monkeypatch, capsys)
    facts = _assert_report_equals_engine(doc, engine)
    # the first (unsigned) term is zero-extended into int8 at the int8 rate; the rest int4
    assert ("int8", 0, "int8") in {f[:3] for f in facts}
    assert ("int4", 0, "int4") in {f[:3] for f in facts}


def test_uint4_int8_activations_run_signed_terms_as_int8(tmp_path, monkeypatch, capsys):
    doc, engine = _run_on_engine(_bitfusion_with(tmp_path, "uint4, int8"), monkeypatch, capsys)
    facts = _assert_report_equals_engine(doc, engine)
    # signed 4-bit terms fit int8 as stored (preferred to an offset into uint4)
    assert ("uint4", 0, "int4") in {f[:3] for f in facts}
    assert ("int8", 0, "int8") in {f[:3] for f in facts}
