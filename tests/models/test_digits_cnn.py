"""The shipped DigitsCNN: layer kinds an expander must handle, file size, exact test accuracy."""

from pathlib import Path

import pytest
import torch
from torch import nn

from fpxint_sim.models import DigitsCNN, load_digits_cnn, load_digits_test

WEIGHTS_DIR = Path(__file__).resolve().parents[2] / "fpxint_sim" / "models" / "weights"
# Measured by scripts/train_digits_cnn.py (seeded, deterministic): 443 of 449 = 98.66 %.
EXPECTED_CORRECT = 443
EXPECTED_TEST_SIZE = 449


@pytest.fixture(scope="module")
def model() -> DigitsCNN:
    return load_digits_cnn()


def test_loaded_model_is_in_eval_mode(model):
    assert not any(m.training for m in model.modules())


def test_has_every_layer_kind_an_expander_must_handle(model):
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert any(c.stride == (2, 2) for c in convs)
    assert any(c.groups > 1 for c in convs)
    assert sum(isinstance(m, nn.BatchNorm2d) for m in model.modules()) == len(convs)
    assert any(isinstance(m, nn.Flatten) for m in model.modules())
    assert any(isinstance(m, nn.ReLU) for m in model.classifier)
    assert len(linears) >= 2 and linears[-1].out_features == 10


def test_output_shape_is_batch_by_ten_logits(model):
    assert model(torch.zeros(3, 1, 8, 8)).shape == (3, 10)


@pytest.mark.parametrize("name", ["digits_cnn.pt", "digits_test.npz"])
def test_shipped_files_are_under_one_megabyte(name):
    assert (WEIGHTS_DIR / name).stat().st_size < 1_000_000


def test_float_test_accuracy_is_the_recorded_count(model):
    x, y = load_digits_test()
    with torch.no_grad():
        correct = int((model(x).argmax(dim=1) == y).sum())
    assert len(y) == EXPECTED_TEST_SIZE
    assert correct == EXPECTED_CORRECT
    assert correct / len(y) >= 0.95
