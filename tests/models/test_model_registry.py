"""Model registry: names, the CNN entry, and the error for an unknown name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.models import MODEL_NAMES, DigitsCNN, load_model

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_model_names():
    assert MODEL_NAMES == ("digits_cnn", "minilm")


def test_digits_cnn_entry():
    loaded = load_model("digits_cnn")
    assert loaded.name == "digits_cnn" and loaded.kind == "cnn"
    assert isinstance(loaded.module, DigitsCNN) and not loaded.module.training
    assert loaded.description and loaded.encoder is None


def test_unknown_name_names_it_and_the_choices():
    with pytest.raises(InputError) as info:
        load_model("resnet50")
    message = str(info.value)
    assert "resnet50" in message and all(name in message for name in MODEL_NAMES)


def test_importing_models_does_not_import_transformers():
    code = "import sys, fpxint_sim.models; assert 'transformers' not in sys.modules"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), *sys.path])}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=REPO_ROOT)
