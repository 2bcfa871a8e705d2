"""Graph capture: any PyTorch model as a graph whose GEMMs/convs are expandable modules."""

from fpxint_sim.capture.act_matmul import ActMatmul
from fpxint_sim.capture.captured import Captured, OpInfo, capture_model, uncovered_integer_ops
from fpxint_sim.capture.op_table import capture_forward, format_ops, ops_summary

__all__ = ["ActMatmul", "Captured", "OpInfo", "capture_forward", "capture_model", "format_ops",
           "ops_summary", "uncovered_integer_ops"]
