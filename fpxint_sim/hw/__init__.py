"""Accelerator descriptions: schema, YAML loading with validation, SCALE-Sim .cfg import."""

from fpxint_sim.hw.load import default_hw_config_path, load_accelerator, parse_yaml_description
from fpxint_sim.hw.schema import (
    Accelerator,
    ArithmeticSpec,
    ArraySpec,
    DramSpec,
    SramSpec,
    VectorUnitSpec,
)

__all__ = [
    "Accelerator",
    "ArithmeticSpec",
    "ArraySpec",
    "DramSpec",
    "SramSpec",
    "VectorUnitSpec",
    "default_hw_config_path",
    "load_accelerator",
    "parse_yaml_description",
]
