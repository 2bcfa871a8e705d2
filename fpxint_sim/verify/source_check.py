"""The bit-exact check of a model source, shared by `fpxint-sim verify` and
`fpxint_sim.emulate(...).verify()`: one rule for what a pass is."""

from __future__ import annotations


def verify_source(source, cfg, hw, em=None, allow_float: frozenset = frozenset()) -> dict:
    """verify_expanded (fpxint_sim/verify) on a model source, expanded here unless `em` is
    given. `ok` also needs at least one job checked (a check of nothing is not a pass) and no
    integer-eligible op of the captured graph left float, unless allowed by name."""
    from fpxint_sim.capture import uncovered_integer_ops
    from fpxint_sim.models.prepare import expand_source
    from fpxint_sim.verify.check import verify_expanded

    em = em if em is not None else expand_source(source, cfg)
    check_allowed_names(em.graph, allow_float, source.name)
    result = verify_expanded(em, hw, source.forward)
    left_float = [] if em.graph is None else uncovered_integer_ops(em.graph, set(allow_float))
    result["nothing_ran"] = result["jobs_checked"] == 0
    result["integer_ops_left_float"] = [op.to_dict() for op in left_float]
    result["ok"] = result["ok"] and not result["nothing_ran"] and not left_float
    return {"model": source.name, "description": source.description, "weights": source.weights,
            "config": cfg.label(), "input": source.input_description,
            "float_layers": [list(f) for f in em.float_layers], **result}


def check_allowed_names(graph, allow_float, model_name: str) -> None:
    """Every --allow-float name must be an op of the captured graph (a typo would pass)."""
    from fpxint_sim.errors import InputError

    if not allow_float or graph is None:
        return
    unknown = sorted(set(allow_float) - {op.name for op in graph.ops})
    if unknown:
        raise InputError(f"--allow-float {', '.join(unknown)}: no such op in the graph of "
                         f"{model_name} (`lower` lists the op names)")


VERIFY_SAMPLES = {"digits_cnn": 64, "minilm": 4}  # default batch of the bundled data sets


def verify_model(name: str, cfg, hw, samples: int | None = None,
                 allow_float: frozenset = frozenset(), inputs=None) -> dict:
    """verify_source of `--model name` (any source the resolver takes) on its inputs."""
    from fpxint_sim.models.source import resolve_model

    source = resolve_model(name, inputs, samples, VERIFY_SAMPLES)
    source.reference()  # a model that fails on its inputs: one line naming both
    return verify_source(source, cfg, hw, allow_float=allow_float)
