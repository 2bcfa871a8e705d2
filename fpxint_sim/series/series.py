"""Series of integer terms with float scales: V = sum_k s_k * (q_k - z_k).

A Term holds the integer tensor q, and a scale and zero point that broadcast against q (per
tensor: shape (1, ..., 1); per channel: the channel's size on its axis, 1 elsewhere). A Series is
a shape plus a tuple of terms; the empty series is the additive identity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fpxint_sim.series.exact_sum import sum_terms


@dataclass(frozen=True, eq=False)
class Term:
    """One integer term: value = scale * (q - zero_point).

    q: integer array (int8/uint8 for b-bit terms, int64 for wide product terms);
    scale: float64, broadcastable to q; zero_point: int64, broadcastable to q (0 if symmetric);
    bits: the operand width of q when it is a b-bit term (None for accumulator-wide products);
    signed: whether q is a signed (symmetric) term.
    """

    q: np.ndarray
    scale: np.ndarray
    zero_point: np.ndarray
    bits: int | None = None
    signed: bool = True

    def centered(self) -> np.ndarray:
        """q - zero_point as int64 (exact)."""
        return self.q.astype(np.int64) - self.zero_point

    def value(self) -> np.ndarray:
        """This term alone, float64. Exact for b-bit terms (24-bit scale x 9-bit integer)."""
        return Series(self.q.shape, (self,)).value()

    def key(self) -> tuple:
        """Bytes that identify the term exactly (for multiset comparisons of series)."""
        return (
            self.q.astype(np.int64).tobytes(),
            np.broadcast_to(self.scale, self.q.shape).astype(np.float64).tobytes(),
            np.broadcast_to(self.zero_point, self.q.shape).astype(np.int64).tobytes(),
        )


@dataclass(frozen=True, eq=False)
class Series:
    """An element of the Abelian group of series over one tensor shape."""

    shape: tuple
    terms: tuple = ()
    # Filled by expand_tensor: max|r_k| after each term, the final residual r_n (exactly
    # x - sum of terms, float64) and the L2 norm of r_k after each term.
    residual_max: tuple = field(default=(), repr=False)
    residual: np.ndarray | None = field(default=None, repr=False)
    residual_norm: tuple = field(default=(), repr=False)

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self):
        return iter(self.terms)

    def value(self) -> np.ndarray:
        """sum_k s_k (q_k - z_k) in float64, correctly rounded (independent of term order)."""
        n = int(np.prod(self.shape, dtype=np.int64))
        out = np.zeros(n, dtype=np.float64)
        if not self.terms or n == 0:
            return out.reshape(self.shape)
        d = np.empty((len(self.terms), n), dtype=np.int64)
        s = np.empty((len(self.terms), n), dtype=np.float64)
        for k, t in enumerate(self.terms):
            dk = d[k].reshape(self.shape)
            np.subtract(t.q, t.zero_point, out=dk, dtype=np.int64)
            s[k].reshape(self.shape)[...] = t.scale
        sum_terms(d, s, out)
        return out.reshape(self.shape)

    def same_terms(self, other: Series) -> bool:
        """Equal as multisets of terms (exact bytes), the equality of the group laws."""
        if tuple(self.shape) != tuple(other.shape) or len(self) != len(other):
            return False
        return sorted(t.key() for t in self.terms) == sorted(t.key() for t in other.terms)
