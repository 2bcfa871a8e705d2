"""Small accumulators overflow on real data: the engine counts the events, verify lists them."""

import torch

from fpxint_sim.engine import run_on_accelerator
from fpxint_sim.engine.arithmetic import k_tile_for
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.hw import default_hw_config_path, load_accelerator, parse_yaml_description
from fpxint_sim.hw.load import HW_CONFIG_DIR
from fpxint_sim.models import load_digits_cnn, load_digits_test
from fpxint_sim.verify import verify_expanded

X = load_digits_test()[0][:16]
W8A8 = ExpansionConfig(w_bits=8, a_bits=8, w_terms=1, a_terms=2)


def small_accumulator_hw(bits: int, overflow: str):
    text = default_hw_config_path().read_text()
    text = text.replace("accumulator_bits: 32", f"accumulator_bits: {bits}")
    text = text.replace("accumulator_overflow: wrap", f"accumulator_overflow: {overflow}")
    return parse_yaml_description(text, f"acc{bits}_{overflow}.yaml")


def test_16bit_saturate_jobs_match_the_ordered_reference_but_outputs_do_not():
    hw = small_accumulator_hw(16, "saturate")
    em = expand_model(load_digits_cnn(), W8A8)
    result = verify_expanded(em, hw, lambda m: m(X))
    # verify's reference clamps in the array's order too: the jobs match, the clamps show in
    # the outputs (a kernel that did not clamp would mismatch: tests/verify)
    assert result["mismatched_outputs"] == 0 and result["overflow_events"] > 0
    assert not result["outputs_bit_identical"] and not result["ok"]
    by_layer = {layer["layer"]: layer for layer in result["layers"]}
    assert sum(v["overflow"] for v in by_layer.values()) == result["overflow_events"]


def test_16bit_wrap_jobs_match_the_modular_reference_but_outputs_do_not():
    hw = small_accumulator_hw(16, "wrap")
    em = expand_model(load_digits_cnn(), W8A8)
    result = verify_expanded(em, hw, lambda m: m(X))
    assert result["mismatched_outputs"] == 0 and result["overflow_events"] > 0
    assert not result["outputs_bit_identical"] and not result["ok"]


def test_fbgemm_w8a8_counts_pair_saturations():
    hw = load_accelerator(HW_CONFIG_DIR / "x86_fbgemm.yaml")
    em = expand_model(load_digits_cnn(), W8A8)
    with torch.no_grad():
        run = run_on_accelerator(em, hw, lambda m: m(X))
    assert run.pair_saturated > 0
    assert run.pair_saturated == sum(c.pair_saturated for c in run.layers.values())


def test_k_fold_follows_the_dataflow():
    bitfusion = load_accelerator(default_hw_config_path())
    assert k_tile_for(bitfusion, "int4", "uint4") == 16 * 4  # ws, 4/PE
    is8 = load_accelerator(HW_CONFIG_DIR / "int8_is_16x16.yaml")
    assert k_tile_for(is8, "int8", "int8") == 16
    assert k_tile_for(load_accelerator(HW_CONFIG_DIR / "x86_fbgemm.yaml"), "int8", "uint8") is None
