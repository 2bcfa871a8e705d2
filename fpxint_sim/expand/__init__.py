"""Layer- and model-level expansion of torch modules."""

from fpxint_sim.expand.config import ExpansionConfig
from fpxint_sim.expand.model import ExpandedModel, expand_model

__all__ = ["ExpandedModel", "ExpansionConfig", "expand_model"]
