"""Model registry: names, the CNN entry, and the error for an unknown name."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from fpxint_sim.errors import InputError
from fpxint_sim.models import MODEL_NAMES, DigitsCNN, load_model, registry

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_every_listed_name_loads_as_itself(monkeypatch):
    # MiniLM's weights are not needed to check the dispatch: a stand-in encoder
    monkeypatch.setattr(registry, "load_minilm",
                        lambda: SimpleNamespace(model=torch.nn.Identity()))
    assert MODEL_NAMES and len(set(MODEL_NAMES)) == len(MODEL_NAMES)
    for name in MODEL_NAMES:
        assert load_model(name).name == name


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
