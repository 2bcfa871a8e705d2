"""The report document of a model run, assembled in one place for `fpxint-sim run` and for
`fpxint_sim.emulate`: the same source entry, expansion entry, assumptions and versions."""

from __future__ import annotations

VECTOR_OPS_NOTE = "vector-unit ops as counted in fpxint_sim/sim/epilogue_ops.py"
MODEL_ASSUMPTIONS = (
    "the model's float ops (add, ReLU, softmax, norms, pooling, ...) run on the vector unit "
    "after and before the integer layers, not overlapped (ops per element by the table of "
    "fpxint_sim/sim/vector_cost.py; tensors at fp32, from DRAM only when they do not fit in "
    "half the ofmap buffer); views are free, copies (cat, contiguous) move their bytes",
    "activation term counts and GEMM shapes measured on this run (one batch)",
    "grouped conv: its groups run one after another as separate jobs",
    "values run through the bit-exact engine on this accelerator: overflow_events are the "
    "wrap/saturation/int16-pair-saturation events of this computation")


def model_source_entry(source, mw) -> dict:
    """report.run.source of a model run: what ran, on what, with which weights."""
    return {"kind": "model", **source.to_dict(), "model": source.name,
            "samples": mw.samples, "float_layers": [list(f) for f in mw.float_layers]}


def expansion_entry(cfg) -> dict:
    """report.run.expansion of a model run (the same keys `run` fills from its flags)."""
    return {"w_bits": cfg.w_bits, "a_bits": cfg.a_bits, "w_terms": cfg.w_terms,
            "a_terms": cfg.a_terms, "truncate": cfg.truncate, "a_clip": cfg.a_clip,
            "a_tol": cfg.a_tol, "a_max_terms": cfg.a_max_terms,
            "scale_policy": cfg.scale_policy, "label": cfg.label()}


def versions(model_run: bool) -> dict:
    import platform
    from importlib.metadata import PackageNotFoundError, version

    import fpxint_sim

    out = {"fpxint_sim": fpxint_sim.__version__, "python": platform.python_version()}
    for pkg in ("numpy", "pyyaml", *(("torch",) if model_run else ())):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    out["platform"] = platform.platform()
    return out


def run_info(command: str, source: dict, hw, hw_file: str, expansion: dict,
             assumptions: list, model_run: bool) -> dict:
    from fpxint_sim.report.document import hw_entry

    return {"command": command, "source": source, "hw": hw_entry(hw, hw_file),
            "expansion": expansion, "assumptions": [*assumptions, VECTOR_OPS_NOTE],
            "versions": versions(model_run)}


def model_vector_runs(source, mw, hw) -> list:
    """The costed vector-unit ops and copies of a model run (`mw`: its ModelWork)."""
    from fpxint_sim.sim.vector_cost import simulate_vector_ops
    from fpxint_sim.workload.vector_work import model_vector_ops

    return simulate_vector_ops(hw, model_vector_ops(source, mw.expanded.graph))


def model_document(source, cfg, hw, hw_file: str, command: str):
    """(report document, ModelWork) of `source` expanded with `cfg` and run on `hw`."""
    from fpxint_sim.report.document import build_report
    from fpxint_sim.sim.work_sim import simulate_network_work
    from fpxint_sim.workload.model_work import model_work

    mw = model_work(source, cfg, hw=hw)
    runs = simulate_network_work(hw, mw.works)
    info = run_info(command, model_source_entry(source, mw), hw, hw_file,
                    expansion_entry(cfg), list(MODEL_ASSUMPTIONS), True)
    return build_report(runs, hw, info, mw.quality, model_vector_runs(source, mw, hw)), mw
