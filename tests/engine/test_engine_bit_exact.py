"""The engine equals the PyTorch expanded network bit for bit when no accumulator overflows."""

import numpy as np
import pytest
import torch
from torch import nn

from fpxint_sim.engine import run_on_accelerator
from fpxint_sim.errors import InputError
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.hw import default_hw_config_path, load_accelerator
from fpxint_sim.hw.load import HW_CONFIG_DIR
from fpxint_sim.models import load_digits_cnn, load_digits_test

X = load_digits_test()[0][:32]


def reference_and_engine(module, cfg, hw, forward):
    em = expand_model(module, cfg)
    with torch.no_grad():
        ref = forward(em.module)
    return ref, run_on_accelerator(em, hw, forward)


def test_digits_on_32bit_wrap_equals_pytorch_expanded_network_bit_for_bit():
    hw = load_accelerator(default_hw_config_path())
    assert hw.arithmetic.accumulator_bits == 32 and hw.arithmetic.accumulator_overflow == "wrap"
    ref, run = reference_and_engine(load_digits_cnn(), ExpansionConfig(), hw, lambda m: m(X))
    assert torch.equal(run.output, ref)
    assert run.overflow == 0 and run.pair_saturated == 0
    conv0 = run.layers["features.0"]
    assert conv0.macs == len(conv0.jobs) * len(X) * 64 * 9 * 16
    assert conv0.activation_terms == [max(j for _, j in conv0.jobs)]


def test_zero_points_and_padding_are_corrected_exactly():
    """One-signed input away from 0 (nonzero zero points) through a padded, grouped conv."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), nn.ReLU(),
                          nn.Flatten(), nn.Linear(6 * 4 * 4, 5))
    x = torch.rand(3, 4, 7, 7) * 2 - 0.3
    hw = load_accelerator(default_hw_config_path())
    ref, run = reference_and_engine(model, ExpansionConfig(a_terms=3), hw, lambda m: m(x))
    assert torch.equal(run.output, ref)


def test_signed_terms_go_offset_into_uint8_on_fbgemm_and_stay_exact():
    hw = load_accelerator(HW_CONFIG_DIR / "x86_fbgemm.yaml")
    ref, run = reference_and_engine(load_digits_cnn(), ExpansionConfig(w_terms=2, a_terms=3),
                                    hw, lambda m: m(X))
    assert torch.equal(run.output, ref)  # INT4 products cannot saturate an int16 pair
    ops = {(j.weight_operand, j.activation_operand) for j in run.layers["features.3"].jobs.values()}
    assert ops == {("int8", "uint8")}


def test_operand_the_pes_do_not_take_is_refused_naming_layer_and_file():
    hw = load_accelerator(HW_CONFIG_DIR / "edge_int4_os_8x8.yaml")
    em = expand_model(load_digits_cnn(), ExpansionConfig(w_bits=8, a_bits=8, a_terms=2))
    with pytest.raises(InputError, match=r"edge_int4_os_8x8.yaml: layer features.0: weight"):
        run_on_accelerator(em, hw, lambda m: m(X))


def test_basis_model_runs_on_the_engine():
    hw = load_accelerator(default_hw_config_path())
    em = expand_model(load_digits_cnn(), ExpansionConfig(w_terms=2, a_terms=2)).basis_model(2)
    with torch.no_grad():
        ref = em.module(X)
    run = run_on_accelerator(em, hw, lambda m: m(X))
    assert np.array_equal(run.output.numpy(), ref.numpy())
