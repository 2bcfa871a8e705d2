"""verify of the W4A16 value path: passes on the engine, fails on an engine that is wrong."""

import numpy as np
import torch
from torch import nn
from w4a16_fixtures import w4a16_hw

from fpxint_sim.engine import w4a16_run
from fpxint_sim.expand import ExpansionConfig
from fpxint_sim.expand.w4a16 import expand_model_w4a16
from fpxint_sim.kernels.fp32_fold_gemm import fold_gemm
from fpxint_sim.models.source import resolve_model
from fpxint_sim.verify.w4a16_check import (
    bitwise_equal,
    same_bits,
    verify_w4a16_expanded,
    verify_w4a16_source,
)


def _model_and_input():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(200, 64), nn.ReLU(), nn.Linear(64, 16))
    x = torch.randn(4, 200) * torch.exp2(torch.randint(-8, 8, (4, 200)).float())
    return model, x


def _verify(hw, n_w=2):
    model, x = _model_and_input()
    em = expand_model_w4a16(model, w_terms=n_w, spec=hw.w4a16, array_rows=hw.array.array_rows)
    return verify_w4a16_expanded(em, hw, lambda m: m(x))


def test_engine_passes_with_every_job_checked():
    r = _verify(w4a16_hw(rows=48))
    assert r["ok"] and r["outputs_bit_identical"] and r["jobs_checked"] == 4
    assert r["mismatched_accumulators"] == 0 and r["mismatched_layer_outputs"] == 0
    assert {L["name"]: L["jobs"] for L in r["layers"]} == {"0": 2, "2": 2}
    assert r["macs"] == 2 * 4 * (200 * 64 + 64 * 16)


def test_an_engine_summing_in_another_order_fails(monkeypatch):
    def sequential(a, bt, fold):
        return fold_gemm(a, bt, a.shape[2])

    monkeypatch.setattr(w4a16_run, "fold_gemm", sequential)
    r = _verify(w4a16_hw(rows=48))
    assert not r["ok"] and r["mismatched_accumulators"] > 0
    assert r["first_mismatches"][0]["what"].startswith("job")


def test_an_engine_rounding_otherwise_fails_on_layer_outputs(monkeypatch):
    monkeypatch.setattr(w4a16_run, "round_to_format", lambda x, fmt: np.asarray(x, np.float32))
    r = _verify(w4a16_hw(rows=48))
    # each job is right for the operands it got; the layer outputs are not
    assert not r["ok"] and r["mismatched_accumulators"] == 0
    assert r["mismatched_layer_outputs"] > 0 and not r["outputs_bit_identical"]


def test_nothing_run_is_not_a_pass():
    model, _ = _model_and_input()
    hw = w4a16_hw()
    em = expand_model_w4a16(model, w_terms=1, spec=hw.w4a16, array_rows=128)
    r = verify_w4a16_expanded(em, hw, lambda m: torch.zeros(3))
    assert r["jobs_checked"] == 0 and not r["ok"]


def test_llama_block_source_passes_with_its_jobs_counted():
    source = resolve_model("llama_block", None, None, {})
    cfg = ExpansionConfig(w_bits=4, a_bits=16, w_terms=2, per_token=True)
    r = verify_w4a16_source(source, cfg, w4a16_hw("bf16", "dequant_fp16", rows=100))
    # 7 Linears x 1 dequantized job + 2 attention matmuls
    assert r["ok"] and r["jobs_checked"] == 9 and r["integer_ops_left_float"] == []


def test_same_bits_separates_signed_zeros_and_joins_nans():
    a = torch.tensor([0.0, float("nan"), 1.0])
    b = torch.tensor([-0.0, -float("nan"), 1.0])
    assert same_bits(a, b).tolist() == [False, True, True]
    assert not bitwise_equal(a, b) and bitwise_equal(a, a.clone())
    assert not bitwise_equal(a, a[:2])
