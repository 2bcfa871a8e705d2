"""Attention models captured exactly (SDPA's math backend) and verified bit-exact as jobs."""

import pytest
import torch
from capture_models import LlamaBlock
from torch import nn
from torch.nn.attention import SDPBackend, sdpa_kernel

from fpxint_sim.capture import capture_model
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.hw import default_hw_config_path, load_accelerator
from fpxint_sim.verify import verify_expanded


def _encoder_stack():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(64, 4, 128, batch_first=True)
    return nn.TransformerEncoder(layer, 2, enable_nested_tensor=False).eval()


def _padding_mask():
    mask = torch.zeros(2, 7, dtype=torch.bool)
    mask[1, 5:] = True
    return mask


@pytest.mark.parametrize("kwargs", [
    {}, {"mask": nn.Transformer.generate_square_subsequent_mask(7), "is_causal": True},
    {"src_key_padding_mask": _padding_mask()}])
def test_encoder_stack_with_masks_is_captured_exactly(kwargs):
    enc, x = _encoder_stack(), torch.randn(2, 7, 64)
    c = capture_model(enc, (x,), kwargs)
    assert [op for op in c.ops if op.kind == "unhandled"] == []
    products = [op.name for op in c.ops if op.op == "act_matmul"]
    assert products == ["layers.0.self_attn.qk", "layers.0.self_attn.av",
                        "layers.1.self_attn.qk", "layers.1.self_attn.av"]
    with sdpa_kernel(SDPBackend.MATH):
        assert torch.equal(c.module(x, **kwargs), enc(x, **kwargs))


def test_llama_block_attention_is_integer_jobs_and_verifies_bit_exact():
    torch.manual_seed(1)
    m, x = LlamaBlock().eval(), torch.randn(2, 7, 64)
    c = capture_model(m, (x,))
    assert {op.name for op in c.ops if op.kind == "integer"} == {
        "q", "k", "v", "qk", "av", "o", "gate", "up", "down"}
    assert {op.op for op in c.ops if op.kind == "vector"} >= {"rms_norm", "silu", "mul", "add",
                                                               "_safe_softmax"}
    with sdpa_kernel(SDPBackend.MATH):
        assert torch.equal(c.module(x), m(x))
    em = expand_model(c.module, ExpansionConfig(w_terms=2, a_max_terms=4))
    r = verify_expanded(em, load_accelerator(default_hw_config_path()), lambda mod: mod(x))
    assert r["ok"] and r["outputs_bit_identical"]
    assert {L["layer"] for L in r["layers"] if L["kind"] == "act_matmul"} == {"qk", "av"}


def test_transformer_encoder_layer_256_verifies_bit_exact_with_attention_as_jobs():
    torch.manual_seed(2)
    m = nn.TransformerEncoderLayer(d_model=256, nhead=4, batch_first=True).eval()
    x = torch.randn(2, 10, 256)
    em = expand_model(capture_model(m, (x,)).module, ExpansionConfig(w_terms=2, a_max_terms=4))
    r = verify_expanded(em, load_accelerator(default_hw_config_path()), lambda mod: mod(x))
    assert r["ok"] and r["outputs_bit_identical"] and r["mismatched_outputs"] == 0
    kinds = {L["layer"]: L["kind"] for L in r["layers"]}
    assert kinds == {"self_attn.in_proj": "gemm", "self_attn.qk": "act_matmul",
                     "self_attn.av": "act_matmul", "self_attn.out_proj": "gemm",
                     "linear1": "gemm", "linear2": "gemm"}


def test_grouped_query_sdpa_repeats_key_and_value_heads_like_the_math_backend():
    class Gqa(nn.Module):
        def forward(self, q, k, v):
            return torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True,
                                                                    enable_gqa=True)

    torch.manual_seed(3)
    q, k, v = torch.randn(2, 4, 7, 16), torch.randn(2, 2, 7, 16), torch.randn(2, 2, 7, 16)
    c = capture_model(Gqa(), (q, k, v))
    assert [op.name for op in c.ops if op.kind == "integer"] == ["qk", "av"]
    assert [op.op for op in c.ops].count("repeat_interleave") == 2
    with sdpa_kernel(SDPBackend.MATH):
        assert torch.equal(c.module(q, k, v), Gqa()(q, k, v))
