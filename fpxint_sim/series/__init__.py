"""Tensor series and their Abelian algebra."""

from fpxint_sim.series.algebra import (
    abelian_add,
    abelian_mul,
    abelian_neg,
    one_series,
    zero_series,
)
from fpxint_sim.series.expand import expand_tensor
from fpxint_sim.series.one_term import quantize
from fpxint_sim.series.series import Series, Term

__all__ = [
    "Series",
    "Term",
    "abelian_add",
    "abelian_mul",
    "abelian_neg",
    "expand_tensor",
    "one_series",
    "quantize",
    "zero_series",
]
