"""The term types of one call of an expanded layer, for its LayerWork: what the run expanded.

On the engine (run --model) they are what the engine recorded for the call that just ran
(LayerCounters.record_terms), so the cost model charges the operands the engine executed. On
the PyTorch expanded network (sweep) the layer keeps no terms, so its input is expanded again
by the same function the layer used (expand_rows): deterministic, the same terms.
"""

from __future__ import annotations

from fpxint_sim.engine.operands import term_type
from fpxint_sim.expand.activation import expand_rows
from fpxint_sim.expand.expanded_act_matmul import (
    ExpandedActMatmul,
    act_matmul_rows,
    operand_names,
)
from fpxint_sim.hw.operands import TermType
from fpxint_sim.ir.layer_rows import input_rows
from fpxint_sim.ir.lower import weight_terms


def run_term_types(layer, cfg, inputs) -> dict:
    """{'w_term_types', 'a_term_types'} of the call of `layer` on `inputs` that just ran
    (ExpandedActMatmul: the weight side is the held operand b)."""
    backend = getattr(layer, "job_backend", None)
    if backend is not None:
        counters = backend.counters[layer.layer_name]
        return {"w_term_types": counters.w_term_types, "a_term_types": counters.a_term_types}
    if isinstance(layer, ExpandedActMatmul):
        rows_a, rows_b = act_matmul_rows(inputs[0], inputs[1])
        name_a, name_b = operand_names(layer.layer_name)
        w = [term_type(t) for t in expand_rows(rows_b, cfg, name_b)]
        a = [term_type(t) for t in expand_rows(rows_a, cfg, name_a)]
    else:
        w = [TermType(t.bits, t.signed) for t in weight_terms(layer)]  # symmetric, checked there
        a = [term_type(t) for t in expand_rows(input_rows(layer, inputs[0]).rows, cfg,
                                               f"{layer.layer_name} input")]
    return {"w_term_types": tuple(w), "a_term_types": tuple(a)}
