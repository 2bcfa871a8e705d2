"""`fpxint-sim verify --w-bits 4 --a-bits 16`: the W4A16 value path, exit 0/1/2."""

import json

import pytest

from fpxint_sim.cli.main import main as run_cli
from fpxint_sim.engine import w4a16_run
from fpxint_sim.hw.load import HW_CONFIG_DIR
from fpxint_sim.kernels.fp32_fold_gemm import fold_gemm

LLM = str(HW_CONFIG_DIR / "llm_int4_hbm3.yaml")
W4A16 = ["verify", "--model", "llama_block", "--w-bits", "4", "--a-bits", "16", "--hw", LLM]


def test_llama_block_w4a16_is_bit_exact_and_reports_its_jobs(capsys):
    assert run_cli([*W4A16, "--w-terms", "2"]) == 0
    out = capsys.readouterr().out
    assert "jobs checked 16, mismatched accumulators 0, mismatched layer outputs 0" in out
    assert "bit-identical" in out and out.strip().splitlines()[-1].startswith("OK")


def test_json_result_and_exit_1_on_a_wrong_engine(monkeypatch, capsys):
    monkeypatch.setattr(w4a16_run, "fold_gemm", lambda a, bt, fold: fold_gemm(a, bt, 1 << 30))
    assert run_cli([*W4A16, "--w-terms", "1", "--json"]) == 1
    r = json.loads(capsys.readouterr().out)
    assert not r["ok"] and r["mismatched_accumulators"] > 0 and r["jobs_checked"] == 9


@pytest.mark.parametrize(("argv", "match"), [
    (["--hw", str(HW_CONFIG_DIR / "bitfusion_16x16.yaml")], "bitfusion_16x16.yaml: no w4a16 "
     "section"),
    (["--w-bits", "8"], "use --w-bits 4 (got 8)"),
    (["--a-terms", "2"], "--a-terms has no meaning with --a-bits 16"),
    (["--truncate", "3"], "--truncate has no meaning with --a-bits 16"),
])
def test_bad_w4a16_requests_exit_2_with_one_line(argv, match, capsys):
    base = ["verify", "--model", "llama_block", "--w-bits", "4", "--a-bits", "16", "--hw", LLM]
    assert run_cli(base + argv) == 2
    err = capsys.readouterr().err.strip()
    assert match in err and len(err.splitlines()) == 1


def test_fp16_accumulator_description_is_refused(tmp_path, capsys):
    hw = tmp_path / "acc16.yaml"
    hw.write_text(open(LLM).read().replace("accumulator_format: fp32",
                                           "accumulator_format: fp16"))
    assert run_cli([*W4A16[:-1], str(hw)]) == 2
    err = capsys.readouterr().err
    assert "key 'w4a16.accumulator_format': 'fp16' accumulators are not supported" in err
