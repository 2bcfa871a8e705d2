"""Lowering activation x activation products (kind act_matmul): batched GEMMs, both series."""

import torch
from torch import nn

from fpxint_sim.capture import capture_model
from fpxint_sim.cli.lower_format import layer_rows
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.ir import lower_model


def _lowered(cfg):
    torch.manual_seed(0)
    m = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64,
                                   batch_first=True).eval()
    x = torch.randn(2, 6, 32)
    em = expand_model(capture_model(m, (x,)).module, cfg)
    return lower_model(em, lambda mod: mod(x), "encoder")


def test_attention_products_lower_to_batched_gemms_of_both_operands():
    net = _lowered(ExpansionConfig(w_terms=2, a_terms=3, truncate=4))
    qk, av = net.layer("self_attn.qk"), net.layer("self_attn.av")
    assert qk.kind == av.kind == "act_matmul" and qk.weight_terms == ()
    g_qk, g_av = qk.forwards[0].gemm, av.forwards[0].gemm
    # batch x heads = 8 matrices; Q K^T: (6 x 8) @ (8 x 6); P V: (6 x 6) @ (6 x 8)
    assert (g_qk.batch, g_qk.m, g_qk.k, g_qk.n) == (8, 48, 8, 6)
    assert (g_av.batch, g_av.m, g_av.k, g_av.n) == (8, 48, 6, 8)
    assert (qk.in_features, qk.out_features) == (8, 6)
    for layer in (qk, av):
        fwd = layer.forwards[0]
        assert len(fwd.activation_terms) == len(fwd.held_terms) == 3
        assert fwd.jobs == ((1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (3, 1))
        assert fwd.macs == 6 * fwd.gemm.m * fwd.gemm.k * fwd.gemm.n
        assert fwd.held_terms[0].scale.shape == (8 * fwd.gemm.n,)  # one scale per column
        assert layer.epilogue(fwd)[0]["op"] == "zero_point_correction"


def test_lower_rows_show_the_held_operand_types():
    rows = {r["layer"]: r for r in layer_rows(_lowered(ExpansionConfig(a_terms=2)))}
    assert rows["self_attn.qk"]["kind"] == "act_matmul"
    assert rows["self_attn.qk"]["weight_operands"] == ["int4", "int4"]
    assert rows["self_attn.qk"]["n_jobs"] == 4
