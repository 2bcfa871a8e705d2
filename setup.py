"""Packaging layout that pyproject.toml cannot express: the accelerator descriptions stay in
hw_configs/ at the repository root (where users look for them) and ship inside the wheel as
package data under fpxint_sim/hw_configs/ (fpxint_sim.hw.load finds either)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["fpxint_sim", "fpxint_sim.*"]),
              "fpxint_sim.hw_configs", "fpxint_sim.hw_configs.sweeps"],
    package_dir={"fpxint_sim.hw_configs": "hw_configs"},
)
