"""LayerWork for a SCALE-Sim topology: every layer expanded with given term counts (no torch).

A topology has no values, so the term counts are given (n_w weight terms, n_a activation terms,
optional truncation i + j <= K), and the input is assumed one-signed (post-ReLU, as in a CNN): the
first activation term is unsigned with a zero point and Laplace-clipped. The
ifmap elements of a convolution row are its (already padded) ifmap_h x ifmap_w x channels.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpxint_sim.sim.epilogue_ops import epilogue_ops_per_pair, kept_pairs
from fpxint_sim.sim.layer_shape import Layer
from fpxint_sim.sim.layer_work import LayerWork


def topology_work(layers: Sequence[Layer], w_terms: int, a_terms: int, w_bits: int, a_bits: int,
                  truncate: int | None = None, first_term_asymmetric: bool = True,
                  clip_first_term: bool = True) -> list[LayerWork]:
    """One LayerWork per topology layer, every layer with the same n_w x n_a (kept) jobs."""
    pairs = tuple(kept_pairs(w_terms, a_terms, truncate))
    asymmetric = (1,) if first_term_asymmetric else ()
    works = []
    for layer in layers:
        g = layer.gemm
        ops = epilogue_ops_per_pair(pairs, g.m * g.n, g.ifmap_unique_elems, asymmetric,
                                    clip_first_term, has_bias=True)
        works.append(LayerWork(
            name=layer.name, gemm=g, pairs=pairs, w_bits=w_bits, a_bits=a_bits,
            epilogue_ops=ops, w_terms=w_terms, a_terms=a_terms,
            kind="conv" if layer.conv is not None else "gemm"))
    return works
