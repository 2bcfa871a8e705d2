"""The W4A16 engine (Numba fold kernel) equals the PyTorch reference bit for bit."""

import dataclasses
import itertools

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn
from w4a16_fixtures import w4a16_hw

from fpxint_sim.engine.w4a16_run import w4a16_engine_attached
from fpxint_sim.errors import InputError
from fpxint_sim.expand.w4a16 import expand_model_w4a16
from fpxint_sim.models.prepare import capture_source
from fpxint_sim.models.source import resolve_model
from fpxint_sim.verify.w4a16_check import bitwise_equal

CASES = list(itertools.product(("fp16", "bf16"), ("int4xfp16", "dequant_fp16"), (1, 2, 3)))


def _both(em, hw, forward):
    """(reference output, engine output, backend) of `forward(em.module)`; every layer's
    output of the two runs is checked bit for bit on the way (the fp16 rounding at the next
    layer's input can hide a last-bit difference from the model output)."""
    seen = {"ref": [], "engine": []}
    run = ["ref"]
    hooks = [layer.register_forward_hook(lambda mod, args, out: seen[run[0]].append(
        (mod.layer_name, out))) for layer in em.layers.values()]
    try:
        with torch.no_grad():
            ref = forward(em.module)
            run[0] = "engine"
            with w4a16_engine_attached(em, hw) as backend:
                out = forward(em.module)
    finally:
        for h in hooks:
            h.remove()
    assert [n for n, _ in seen["ref"]] == [n for n, _ in seen["engine"]]
    for (name, want), (_, got) in zip(seen["ref"], seen["engine"]):
        assert _bits_equal(got, want), f"layer {name}"
    return ref, out, backend


def _bits_equal(a, b):
    """float32 both, same bits (any NaN equal to any NaN: the equality verify uses)."""
    return a.dtype == b.dtype == torch.float32 and bitwise_equal(a, b)


def _stack(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(300, 96), nn.GELU(), nn.Linear(96, 40, bias=False),
                         nn.ReLU(), nn.Linear(40, 7))


@pytest.mark.parametrize("fmt, mac, n_w", CASES)
def test_linear_stack_engine_equals_reference(fmt, mac, n_w):
    """array_rows 48 against K = 300 (a short last fold), 96 (two full folds), 40 (one short
    fold)."""
    hw = w4a16_hw(fmt, mac, rows=48)
    em = expand_model_w4a16(_stack(), w_terms=n_w, spec=hw.w4a16, array_rows=48)
    x = torch.randn(2, 5, 300) * torch.exp2(torch.randint(-6, 7, (2, 5, 300)).float())
    ref, out, backend = _both(em, hw, lambda m: m(x))
    assert out.shape == (2, 5, 7) and _bits_equal(out, ref)
    for name, k, n in (("0", 300, 96), ("2", 96, 40), ("4", 40, 7)):
        c = backend.counters[name]
        jobs = n_w if mac == "int4xfp16" else 1
        assert c.jobs_per_forward == [jobs] and c.macs == jobs * 10 * k * n
        assert c.mac == ("int4xfp16" if mac == "int4xfp16" else "fp16")


@pytest.mark.parametrize("order", ["array_folds", "sequential"])
def test_fold_order_is_what_makes_the_outputs_equal(order):
    """Engine and reference agree under either order, and the two orders give different
    outputs on this input: an engine summing in another order than declared would fail."""
    hw = w4a16_hw(rows=16, order=order)
    torch.manual_seed(1)
    model = nn.Linear(512, 64, bias=False)
    em = expand_model_w4a16(model, w_terms=2, spec=hw.w4a16, array_rows=16)
    x = torch.randn(8, 512) * torch.exp2(torch.randint(-8, 8, (8, 512)).float())
    ref, out, _ = _both(em, hw, lambda m: m(x))
    assert _bits_equal(out, ref)
    other = "sequential" if order == "array_folds" else "array_folds"
    em_other = expand_model_w4a16(model, w_terms=2, spec=w4a16_hw(rows=16, order=other).w4a16,
                                  array_rows=16)
    with torch.no_grad():
        assert not torch.equal(em_other.module(x), ref)


@pytest.mark.parametrize("fmt, mac, n_w", [("fp16", "int4xfp16", 2), ("bf16", "int4xfp16", 1),
                                           ("fp16", "dequant_fp16", 3),
                                           ("bf16", "dequant_fp16", 2)])
def test_llama_block_engine_equals_reference(fmt, mac, n_w):
    """The bundled Llama block, captured (Linears and attention ActMatmuls), K = 256, 768 and
    64 against array_rows 96 (no K is a multiple)."""
    source = resolve_model("llama_block", None, None, {})
    captured = capture_source(source)
    hw = w4a16_hw(fmt, mac, rows=96)
    em = expand_model_w4a16(captured.module, w_terms=n_w, spec=hw.w4a16, array_rows=96)
    kinds = {type(layer).__name__ for layer in em.layers.values()}
    assert kinds == {"W4A16Linear", "W4A16ActMatmul"}
    ref, out, backend = _both(em, hw, source.forward)
    assert _bits_equal(out, ref)
    assert (out - source.reference()).abs().max() < 0.5  # a W4A16 model, not noise
    act = [c for c in backend.counters.values() if c.kind == "act_matmul"]
    assert len(act) == 2 and all(c.jobs == 1 and c.mac == "fp16" for c in act)
    # Q K^T: 4 heads x 64 x 64 outputs, K = head dim 64
    assert min(c.macs for c in act) == 4 * 64 * 64 * 64


def test_engine_refuses_a_description_other_than_the_expansion():
    em = expand_model_w4a16(nn.Linear(8, 4), w_terms=1, spec=w4a16_hw().w4a16, array_rows=128)
    with pytest.raises(InputError, match=r"w4a16\.activation_format is 'bf16' but layer"):
        with w4a16_engine_attached(em, w4a16_hw("bf16")):
            pass
    with pytest.raises(InputError, match=r"array\.array_rows is 64 but layer"):
        with w4a16_engine_attached(em, w4a16_hw(rows=64)):
            pass
    with pytest.raises(InputError, match="no w4a16 section"):
        with w4a16_engine_attached(em, dataclasses.replace(w4a16_hw(), w4a16=None)):
            pass
    assert em.layers[""].job_backend is None


def test_reference_runs_again_after_the_block():
    hw = w4a16_hw()
    em = expand_model_w4a16(nn.Linear(8, 4), w_terms=1, spec=hw.w4a16, array_rows=128)
    x = torch.randn(3, 8)
    ref, _, _ = _both(em, hw, lambda m: m(x))
    assert em.layers[""].job_backend is None and torch.equal(em.module(x), ref)


@given(seed=st.integers(0, 2**31 - 1), m=st.integers(1, 4), k=st.integers(1, 70),
       n=st.integers(1, 20), rows=st.integers(1, 40), fmt=st.sampled_from(["fp16", "bf16"]),
       mac=st.sampled_from(["int4xfp16", "dequant_fp16"]), n_w=st.integers(1, 3),
       order=st.sampled_from(["array_folds", "sequential"]), bias=st.booleans())
def test_drawn_linear_layers_engine_equals_reference(seed, m, k, n, rows, fmt, mac, n_w, order,
                                                     bias):
    g = torch.Generator().manual_seed(seed)
    lin = nn.Linear(k, n, bias=bias)
    with torch.no_grad():
        lin.weight.copy_(torch.randn(n, k, generator=g))
        if bias:
            lin.bias.copy_(torch.randn(n, generator=g))
    hw = w4a16_hw(fmt, mac, rows=rows, order=order)
    em = expand_model_w4a16(lin, w_terms=n_w, spec=hw.w4a16, array_rows=rows)
    x = torch.randn(m, k, generator=g) * torch.exp2(torch.randint(-20, 20, (m, k), generator=g)
                                                    .float())
    ref, out, backend = _both(em, hw, lambda mod: mod(x))
    assert _bits_equal(out, ref)
    assert backend.counters[""].jobs == (len(em.layers[""].weight_series.terms)
                                         if mac == "int4xfp16" else 1)
