"""The vector-unit ops and data copies of a model run, read from its captured graph.

The captured graph (`em.graph`, fpxint_sim/models/prepare.py) runs once more in float on the
inputs the model's own forward gives it (the same inputs it was captured with), recording
every vector op's elements and every copy (fpxint_sim/capture/vector_ops.py).
"""

from __future__ import annotations


def model_vector_ops(source, captured) -> list:
    """VectorOp records of one forward of `source`'s captured graph, in execution order."""
    from fpxint_sim.capture.op_table import module_inputs

    args, kwargs = module_inputs(source.module, source.forward)
    return captured.vector_ops(args, kwargs)
