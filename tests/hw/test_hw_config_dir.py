"""The shipped descriptions are found in a wheel (fpxint_sim/hw_configs, package data mapped
from the repository's hw_configs/ by setup.py) and in a source checkout (hw_configs/)."""

from pathlib import Path

from fpxint_sim.hw import load

ROOT = Path(__file__).resolve().parents[2]


def test_a_wheel_layout_uses_the_packaged_descriptions(tmp_path, monkeypatch):
    module = tmp_path / "site" / "fpxint_sim" / "hw" / "load.py"
    module.parent.mkdir(parents=True)
    (tmp_path / "site" / "fpxint_sim" / "hw_configs").mkdir()
    monkeypatch.setattr(load, "__file__", str(module))
    assert load.hw_config_dir() == tmp_path / "site" / "fpxint_sim" / "hw_configs"


def test_a_checkout_uses_the_repository_folder():
    assert load.hw_config_dir() == ROOT / "hw_configs"
    assert load.default_hw_config_path().is_file()


def test_setup_maps_every_shipped_yaml_into_the_package():
    setup_py = (ROOT / "setup.py").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"fpxint_sim.hw_configs": "hw_configs"' in setup_py
    folders = {p.parent.relative_to(ROOT / "hw_configs")
               for p in (ROOT / "hw_configs").rglob("*.yaml")}
    for folder in folders:  # each folder holding YAML is a mapped package with *.yaml data
        package = ".".join(("fpxint_sim.hw_configs", *folder.parts))
        assert f'"{package}"' in setup_py or folder == Path("."), package
        assert f'"{package}" = ["*.yaml"]' in pyproject, package
