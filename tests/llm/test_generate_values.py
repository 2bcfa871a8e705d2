"""Greedy generation with values: tiny-llama generates after a 64-token prompt on the engine
bit-exactly against the PyTorch reference (W4A4; W4A16 with 1, 2 and 3 weight terms), the KV
format is really applied, and the per-step check catches a one-ulp difference at the step
where it happens. About 1 to 2 min on 2 loaded cores (the five 64 + 32 generations)."""

import pytest
import torch

import fpxint_sim.engine.run as engine_run
from fpxint_sim.engine.backend import EngineBackend
from fpxint_sim.hw.load import HW_CONFIG_DIR, load_accelerator
from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.generate_values import generate_values, greedy, seeded_prompt
from fpxint_sim.llm.tiny_lm import build_tiny_lm


@pytest.fixture(scope="module")
def hw():
    return load_accelerator(HW_CONFIG_DIR / "llm_int4_hbm3.yaml")


@pytest.fixture(scope="module")
def model():
    return build_tiny_lm(0)


def test_w4a4_64_prompt_32_new_bit_exact(model, hw):
    vg = generate_values(model, hw, seeded_prompt(64, 0), 32, "w4a4", 2,
                         parse_format("int4x2", "kv"), a_terms=2)
    assert vg.steps == 33 and len(vg.engine.ids) == 33  # prefill + 32 decode steps
    assert vg.engine_ran_every_layer and len(vg.expanded_layers) == 2 * (7 + 2) + 1
    assert all(torch.equal(a, b) for a, b in zip(vg.engine.logits, vg.reference.logits))
    assert vg.engine.ids == vg.reference.ids
    assert vg.first_mismatch is None and vg.equal


@pytest.mark.parametrize("w_terms", [1, 2, 3])
def test_w4a16_64_prompt_32_new_bit_exact(model, hw, w_terms):
    vg = generate_values(model, hw, seeded_prompt(64, 0), 32, "w4a16", w_terms,
                         parse_format("fp16", "kv"))
    assert vg.steps == 33 and vg.engine_ran_every_layer
    assert all(torch.equal(a, b) for a, b in zip(vg.engine.logits, vg.reference.logits))
    assert vg.engine.ids == vg.reference.ids
    assert vg.first_mismatch is None and vg.equal


def test_weight_terms_change_the_w4a16_logits(model, hw):
    # n_w really reaches the values: the prefill logits move with each added INT4 term
    firsts = [generate_values(model, hw, seeded_prompt(8, 0), 0, "w4a16", n,
                              parse_format("fp16", "kv")).reference.logits[0] for n in (1, 2)]
    assert not torch.equal(*firsts)


@pytest.mark.parametrize("kv", ["fp16", "bf16", "int8", "int4x2"])
def test_each_kv_format_changes_the_logits(model, kv):
    prompt = seeded_prompt(16, 1)
    exact = greedy(model, prompt, 1, None)
    stored = greedy(model, prompt, 1, parse_format(kv, "kv"))
    assert torch.equal(exact.logits[0], greedy(model, prompt, 1, None).logits[0])
    for a, b in zip(exact.logits, stored.logits):
        assert not torch.equal(a, b)


class _LmHeadOneUlpOff(EngineBackend):
    """The engine with one fault: at LM-head call `STEP`, logit 0 moves up by one ulp."""

    STEP = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lm_head_calls = 0

    def run(self, layer, x):
        y = super().run(layer, x)
        if layer.layer_name == "lm_head":
            if self.lm_head_calls == self.STEP:
                y = y.clone()
                y[..., 0] = torch.nextafter(y[..., 0], torch.tensor(float("inf")))
            self.lm_head_calls += 1
        return y


def test_the_check_finds_a_one_ulp_fault_at_its_step(model, hw, monkeypatch):
    monkeypatch.setattr(engine_run, "EngineBackend", _LmHeadOneUlpOff)
    vg = generate_values(model, hw, seeded_prompt(8, 0), 5, "w4a4", 1,
                         parse_format("int8", "kv"), a_terms=2)
    assert vg.engine_ran_every_layer
    assert vg.first_mismatch == _LmHeadOneUlpOff.STEP and not vg.equal


def test_an_engine_that_ran_nothing_is_not_equal(model, hw, monkeypatch):
    # an engine hook that never attaches: both runs are the reference, which must not pass
    from contextlib import contextmanager

    @contextmanager
    def detached(em, backend):
        yield backend

    monkeypatch.setattr(engine_run, "engine_attached", detached)
    vg = generate_values(model, hw, seeded_prompt(4, 0), 1, "w4a4", 1,
                         parse_format("int8", "kv"), a_terms=1)
    assert vg.first_mismatch is None and not vg.engine_ran_every_layer and not vg.equal
