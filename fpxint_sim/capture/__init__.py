"""Graph capture: any PyTorch model as a graph whose GEMMs/convs are expandable modules."""

from fpxint_sim.capture.act_matmul import ActMatmul
from fpxint_sim.capture.captured import Captured, OpInfo, capture_model, uncovered_integer_ops

__all__ = ["ActMatmul", "Captured", "OpInfo", "capture_model", "uncovered_integer_ops"]
