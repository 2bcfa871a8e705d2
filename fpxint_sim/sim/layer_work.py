"""What the performance model needs to know about one expanded layer: `LayerWork`.

The input record between the functional side and the cost model. It is filled either from a
topology file (term counts given) or from a real run of an expanded model (term counts measured,
fpxint_sim/workload/model_work.py). `overflow_events` is None until the bit-exact engine
(fpxint_sim/engine) reports the accumulator overflows of the actual computation; the model path
then fills it per layer, and the report shows it (null = not measured).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fpxint_sim.sim.layer_shape import GemmShape


@dataclass(frozen=True)
class LayerWork:
    """One layer's integer jobs: the GEMM of one (i, j) job, its pairs, bits and epilogue.

    gemm: the GEMM of one job, for one group (a grouped conv repeats it `groups` times).
    pairs: the (weight term i, activation term j) jobs run, 1-based.
    epilogue_ops: per pair, vector-unit ops by kind (fpxint_sim/sim/epilogue_ops.py), per group.
    a_terms: activation terms expanded for this layer (measured on a model run).
    kind: 'conv', 'linear' or 'gemm' (a topology GEMM row).
    """

    name: str
    gemm: GemmShape
    pairs: tuple[tuple[int, int], ...]
    w_bits: int
    a_bits: int
    epilogue_ops: Mapping[tuple[int, int], Mapping[str, int]] = field(default_factory=dict)
    overflow_events: int | None = None
    groups: int = 1
    w_terms: int = 0
    a_terms: int = 0
    kind: str = "gemm"

    def epilogue_ops_of(self, pair: tuple[int, int]) -> int:
        """All vector-unit ops charged to job `pair` (one group)."""
        return sum(self.epilogue_ops.get(pair, {}).values())

    def epilogue_totals(self) -> dict[str, int]:
        """Vector-unit ops of the whole layer by kind (all pairs, all groups)."""
        totals: dict[str, int] = {}
        for row in self.epilogue_ops.values():
            for kind, n in row.items():
                totals[kind] = totals.get(kind, 0) + n * self.groups
        return totals
