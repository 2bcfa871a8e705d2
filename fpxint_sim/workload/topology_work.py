"""LayerWork for a SCALE-Sim topology: every layer expanded with given term counts (no torch).

A topology has no values, so the term counts are given (n_w weight terms, n_a activation terms,
optional truncation i + j <= K), and the terms' types are stated assumptions: weights symmetric
signed; the input one-signed (post-ReLU, as in a CNN): the first activation term unsigned with a
zero point and Laplace-clipped, the later terms symmetric signed. The ifmap elements of a
convolution row are its (already padded) ifmap_h x ifmap_w x channels.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpxint_sim.hw.operands import TermType
from fpxint_sim.sim.epilogue_ops import epilogue_ops_per_pair
from fpxint_sim.sim.layer_shape import Layer
from fpxint_sim.sim.layer_work import LayerWork
from fpxint_sim.term_pairs import kept_pairs


def assumed_term_types(w_terms: int, a_terms: int, w_bits: int, a_bits: int,
                       first_term_asymmetric: bool = True):
    """(weight term types, activation term types) a topology run assumes."""
    w = tuple(TermType(w_bits, True) for _ in range(w_terms))
    a = tuple(TermType(a_bits, not (j == 1 and first_term_asymmetric),
                       j == 1 and first_term_asymmetric) for j in range(1, a_terms + 1))
    return w, a


def topology_work(layers: Sequence[Layer], w_terms: int, a_terms: int, w_bits: int, a_bits: int,
                  truncate: int | None = None, first_term_asymmetric: bool = True,
                  clip_first_term: bool = True) -> list[LayerWork]:
    """One LayerWork per topology layer, every layer with the same n_w x n_a (kept) jobs."""
    pairs = kept_pairs(w_terms, a_terms, truncate)
    w_types, a_types = assumed_term_types(w_terms, a_terms, w_bits, a_bits,
                                          first_term_asymmetric)
    works = []
    for layer in layers:
        g = layer.gemm
        ops = epilogue_ops_per_pair(pairs, g.m * g.n, g.ifmap_unique_elems, clip_first_term,
                                    has_bias=True)
        works.append(LayerWork(
            name=layer.name, gemm=g, pairs=pairs, w_bits=w_bits, a_bits=a_bits,
            epilogue_ops=ops, w_terms=w_terms, a_terms=a_terms,
            kind="conv" if layer.conv is not None else "gemm",
            w_term_types=w_types, a_term_types=a_types))
    return works
