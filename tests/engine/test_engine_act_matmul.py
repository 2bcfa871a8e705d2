"""Activation x activation jobs on the engine: bit-exact on every accelerator, checked by verify."""

import pytest
import torch
from torch import nn

from fpxint_sim.capture import ActMatmul, capture_model
from fpxint_sim.engine import run_on_accelerator
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.hw import default_hw_config_path, load_accelerator
from fpxint_sim.hw.load import HW_CONFIG_DIR
from fpxint_sim.verify import verify_expanded

HW_FILES = sorted(p.name for p in HW_CONFIG_DIR.glob("*.yaml"))


class ReluProduct(nn.Module):
    """relu(a) @ relu(b): both operands one-signed, so both first terms have zero points."""

    def __init__(self):
        super().__init__()
        self.mm = ActMatmul()

    def forward(self, a, b):
        return self.mm(torch.relu(a) + 0.1, torch.relu(b) + 0.2)


def _attention_layer():
    torch.manual_seed(0)
    m = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64,
                                   batch_first=True).eval()
    x = torch.randn(2, 6, 32)
    return capture_model(m, (x,)).module, x


@pytest.mark.parametrize("hw_file", HW_FILES)
def test_attention_matmuls_run_bit_exact_on_every_accelerator(hw_file):
    hw = load_accelerator(HW_CONFIG_DIR / hw_file)
    cfg = ExpansionConfig(w_terms=2, a_max_terms=4)
    if hw.name.startswith("edge_int4"):
        cfg = ExpansionConfig(w_bits=4, a_bits=4, w_terms=2, a_max_terms=4)
    module, x = _attention_layer()
    r = verify_expanded(expand_model(module, cfg), hw, lambda m: m(x))
    assert r["ok"] and r["outputs_bit_identical"] and r["mismatched_outputs"] == 0
    products = {L["layer"]: L for L in r["layers"] if L["kind"] == "act_matmul"}
    assert set(products) == {"self_attn.qk", "self_attn.av"}
    for layer in products.values():
        assert layer["jobs_checked"] == len(layer["jobs"]) > 1
        assert layer["macs"] == sum(j["macs"] for j in layer["jobs"]) > 0


def test_both_zero_points_are_corrected_exactly_and_jobs_are_n_a_times_n_b():
    torch.manual_seed(3)
    a, b = torch.randn(3, 5, 24), torch.randn(3, 24, 6)
    em = expand_model(ReluProduct(), ExpansionConfig(a_terms=3))
    hw = load_accelerator(default_hw_config_path())
    r = verify_expanded(em, hw, lambda m: m(a, b))
    assert r["ok"] and r["jobs_checked"] == 9
    with torch.no_grad():
        ref = em.module(a, b)
    run = run_on_accelerator(em, hw, lambda m: m(a, b))
    assert torch.equal(run.output, ref)
    assert run.layers["mm"].macs == 9 * 3 * 5 * 24 * 6


def test_fbgemm_holds_the_b_term_in_int8_and_feeds_a_as_uint8():
    hw = load_accelerator(HW_CONFIG_DIR / "x86_fbgemm.yaml")
    module, x = _attention_layer()
    run = run_on_accelerator(expand_model(module, ExpansionConfig(w_terms=2, a_terms=2)), hw,
                             lambda m: m(x))
    ops = {(j.weight_operand, j.activation_operand)
           for j in run.layers["self_attn.qk"].jobs.values()}
    assert ops == {("int8", "uint8")}


def test_a_narrow_saturating_accumulator_saturates_as_declared_and_fails_on_outputs(tmp_path):
    """A 16-bit saturating array clamps the act x act sums: the jobs match the reference of that
    declared arithmetic (no job mismatch), the clamps are counted, the outputs differ from the
    exact network, so verify fails."""
    hw_file = tmp_path / "acc16.yaml"
    hw_file.write_text(default_hw_config_path().read_text()
                       .replace("accumulator_bits: 32", "accumulator_bits: 16")
                       .replace("accumulator_overflow: wrap", "accumulator_overflow: saturate"))
    torch.manual_seed(4)
    a, b = torch.rand(2, 4, 512) + 1.0, torch.rand(2, 512, 4) + 1.0
    em = expand_model(ReluProduct(), ExpansionConfig(w_bits=8, a_bits=8, a_terms=1))
    r = verify_expanded(em, load_accelerator(hw_file), lambda m: m(a, b))
    assert not r["ok"] and r["overflow_events"] > 0 and r["jobs_checked"] > 0
    assert r["mismatched_outputs"] == 0 and not r["outputs_bit_identical"]


def test_both_operands_offset_into_uint8_correct_both_zero_points(tmp_path):
    """Unsigned-only PEs: signed a and b terms both go offset (z = 2^(b-1)), so the epilogue
    needs all of -za colsum(B) - zb rowsum(A) + K za zb."""
    hw_file = tmp_path / "uint8_only.yaml"
    hw_file.write_text(default_hw_config_path().read_text()
                       .replace("weight_types: [int8, uint8, int4, uint4]",
                                "weight_types: [uint8]")
                       .replace("activation_types: [int8, uint8, int4, uint4]",
                                "activation_types: [uint8]"))
    hw = load_accelerator(hw_file)
    torch.manual_seed(5)
    a, b = torch.randn(2, 5, 40), torch.randn(2, 40, 3)
    em = expand_model(ActMatmul(), ExpansionConfig(a_terms=2))
    r = verify_expanded(em, hw, lambda m: m(a, b))
    assert r["ok"] and r["outputs_bit_identical"] and r["jobs_checked"] == 4
    assert {(j["weight_operand"], j["activation_operand"]) for j in r["layers"][0]["jobs"]} \
        == {("uint8", "uint8")}
