"""The integer basis network: an expanded model lowered to integer jobs and epilogues."""

from fpxint_sim.ir.lower import lower_model
from fpxint_sim.ir.records import (
    ActivationTermIR,
    ConvParams,
    ForwardIR,
    GemmView,
    LayerIR,
    NetworkIR,
    WeightTermIR,
)

__all__ = ["ActivationTermIR", "ConvParams", "ForwardIR", "GemmView", "LayerIR", "NetworkIR",
           "WeightTermIR", "lower_model"]
