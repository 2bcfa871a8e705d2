"""The (i, j) jobs an expanded layer runs: weight term i x activation term j, 1-based.

One rule for values and costs (the expanded layers, the engine, the lowering, the cost
workload and the topology workload all call it): every pair, or with truncation K only the
pairs with i + j <= K, weight term i outer and activation term j inner (the execution order).
No torch import: the cost side uses it too.
"""

from __future__ import annotations


def keeps_pair(i: int, j: int, truncate: int | None) -> bool:
    """Whether job (i, j) is computed under truncation K (None: every pair)."""
    return truncate is None or i + j <= truncate


def kept_pairs(w_terms: int, a_terms: int, truncate: int | None = None
               ) -> tuple[tuple[int, int], ...]:
    """The (i, j) jobs of n_w x n_a terms, i ascending, then j ascending."""
    return tuple((i, j) for i in range(1, w_terms + 1) for j in range(1, a_terms + 1)
                 if keeps_pair(i, j, truncate))
