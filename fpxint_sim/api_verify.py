"""The bit-exact check of a model source, shared by `fpxint-sim verify` and
`fpxint_sim.emulate(...).verify()`."""

from __future__ import annotations


def verify_source(source, cfg, hw, em=None) -> dict:
    """verify_expanded (fpxint_sim/verify) on a model source, expanded here unless `em` is
    given; `ok` also needs at least one job checked (a check of nothing is not a pass)."""
    from fpxint_sim.models.prepare import expand_source
    from fpxint_sim.verify.check import verify_expanded

    em = em if em is not None else expand_source(source, cfg)
    result = verify_expanded(em, hw, source.forward)
    result["nothing_ran"] = result["jobs_checked"] == 0
    result["ok"] = result["ok"] and not result["nothing_ran"]
    return {"model": source.name, "description": source.description, "weights": source.weights,
            "config": cfg.label(), "input": source.input_description,
            "float_layers": [list(f) for f in em.float_layers], **result}
