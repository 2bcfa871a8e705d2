"""fpxint_sim: FP=xINT series-expanded networks on emulated integer accelerators."""

from fpxint_sim.errors import InputError, MissingExtraError
from fpxint_sim.series import (
    Series,
    Term,
    abelian_add,
    abelian_mul,
    abelian_neg,
    expand_tensor,
    one_series,
    zero_series,
)

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "MissingExtraError",
    "Series",
    "Term",
    "__version__",
    "abelian_add",
    "abelian_mul",
    "abelian_neg",
    "expand_tensor",
    "one_series",
    "zero_series",
]
