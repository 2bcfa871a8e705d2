"""Uniform ranges, scale storage and the Laplace clip (the one-term quantizer is
`fpxint_sim.series.quantize`: it is a series of one term)."""

from fpxint_sim.quant.laplace import laplace_clip_factor, laplace_clip_value
from fpxint_sim.quant.scales import SCALE_SIGNIFICAND_BITS, round_scale_down, round_scale_up
from fpxint_sim.quant.uniform import qrange

__all__ = [
    "SCALE_SIGNIFICAND_BITS",
    "laplace_clip_factor",
    "laplace_clip_value",
    "qrange",
    "round_scale_down",
    "round_scale_up",
]
