"""Expansion settings of a network, checked once, with errors naming the option."""

from __future__ import annotations

import math
from dataclasses import dataclass

from fpxint_sim import expansion_defaults as D
from fpxint_sim.errors import InputError
from fpxint_sim.quant.uniform import MAX_BITS, MIN_BITS
from fpxint_sim.series.scale_policy import POLICIES
from fpxint_sim.term_pairs import keeps_pair, kept_pairs

KEEP_FLOAT_BITS = 16  # "16 bits" means: this operand stays float (e.g. W4A16)


@dataclass(frozen=True)
class ExpansionConfig:
    """How a float network becomes an expanded one.

    w_bits / a_bits: bits per weight / activation term (2..8), or 16 to keep that side float.
    w_terms: weight terms per layer (fixed offline, per output channel).
    a_terms: fixed activation terms; None means "until max|residual| < a_tol, at most a_max_terms".
    truncate: keep only the (i, j) pairs with i + j <= truncate (1-based term indices).
    per_token: one activation scale per token row (transformers) instead of per input sample.
    """

    w_bits: int = D.W_BITS  # the defaults of every command: fpxint_sim/expansion_defaults.py
    a_bits: int = D.A_BITS
    w_terms: int = D.W_TERMS
    a_terms: int | None = None
    a_tol: float = D.A_TOL
    a_max_terms: int = D.A_MAX_TERMS
    truncate: int | None = None
    scale_policy: str = D.SCALE_POLICY
    per_token: bool = False
    a_clip: str | None = D.A_CLIP

    def __post_init__(self):
        for name in ("w_bits", "a_bits"):
            b = getattr(self, name)
            if isinstance(b, bool) or not isinstance(b, int) or not (
                    MIN_BITS <= b <= MAX_BITS or b == KEEP_FLOAT_BITS):
                raise InputError(f"{name}={b!r} is unsupported: use {MIN_BITS}..{MAX_BITS}, "
                                 f"or {KEEP_FLOAT_BITS} to keep that operand float")
        for name in ("w_terms", "a_max_terms"):
            _positive_int(name, getattr(self, name))
        if self.a_terms is not None:
            _positive_int("a_terms", self.a_terms)
        if not isinstance(self.a_tol, (int, float)) or not self.a_tol > 0:
            raise InputError(f"a_tol must be a number > 0, got {self.a_tol!r}")
        if self.truncate is not None:
            _positive_int("truncate", self.truncate)
            if self.truncate < 2:
                raise InputError("truncate K must be >= 2 (the pair i = j = 1 has i + j = 2)")
        if self.scale_policy not in POLICIES:
            raise InputError(f"scale_policy must be one of {POLICIES}, got {self.scale_policy!r}")
        clip = self.a_clip
        fixed = isinstance(clip, (int, float)) and not isinstance(clip, bool) and \
            math.isfinite(clip) and clip > 0
        if clip is not None and clip != "laplace" and not fixed:
            raise InputError(f"a_clip must be null, 'laplace' or a clip value > 0, got {clip!r}")

    @property
    def float_weights(self) -> bool:
        return self.w_bits == KEEP_FLOAT_BITS

    @property
    def float_activations(self) -> bool:
        return self.a_bits == KEEP_FLOAT_BITS

    def keeps_pair(self, i: int, j: int) -> bool:
        """Whether job (i, j) (1-based weight term i, activation term j) is computed."""
        return keeps_pair(i, j, self.truncate)

    def kept_pairs(self, w_terms: int, a_terms: int) -> tuple[tuple[int, int], ...]:
        """The jobs of w_terms x a_terms terms in execution order (fpxint_sim/term_pairs.py)."""
        return kept_pairs(w_terms, a_terms, self.truncate)

    def label(self) -> str:
        a = (f"{self.a_terms}" if self.a_terms is not None
             else f"tol {self.a_tol:g} (<= {self.a_max_terms})")
        w_side = "float" if self.float_weights else f"{self.w_terms} terms"
        a_side = "float" if self.float_activations else f"{a} terms"
        trunc = f", i+j<={self.truncate}" if self.truncate else ""
        return f"W{self.w_bits}A{self.a_bits}: weights {w_side}, activations {a_side}{trunc}"


def _positive_int(name, v):
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise InputError(f"{name} must be a positive integer, got {v!r}")
