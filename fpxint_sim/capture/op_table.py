"""The captured graph's ops for `lower`: one row per op (name, op, kind, reason), and the
example inputs of a module recorded from one real forward call."""

from __future__ import annotations

from collections import Counter

from torch import nn

from fpxint_sim.capture.captured import Captured, capture_model


class _InputsRecorded(Exception):
    """Stops `forward` at the module's first call: its inputs are all capture needs."""


def module_inputs(module: nn.Module, forward) -> tuple[tuple, dict]:
    """(args, kwargs) of `module`'s first call inside `forward(module)` (a pre-hook records
    them), so a model driven by a callable (tokenizer + encoder) can be captured. The module
    itself does not run: the hook stops `forward` there (a whole float forward saved)."""
    seen: list = []

    def hook(_m, args, kwargs):
        seen.append((tuple(args), dict(kwargs)))
        raise _InputsRecorded

    handle = module.register_forward_pre_hook(hook, with_kwargs=True)
    try:
        forward(module)
    except _InputsRecorded:
        pass
    finally:
        handle.remove()
    if not seen:
        raise ValueError(f"{type(module).__name__} was not called by the forward callable")
    return seen[0]


def capture_forward(module: nn.Module, forward) -> Captured:
    """capture_model with the inputs `forward(module)` gives the module."""
    args, kwargs = module_inputs(module, forward)
    return capture_model(module, args, kwargs)


def ops_summary(captured: Captured) -> dict:
    """JSON-ready: every op with its kind, and the count per kind."""
    return {"method": captured.method, "ops": [op.to_dict() for op in captured.ops],
            "counts": dict(Counter(op.kind for op in captured.ops))}


def format_ops(captured: Captured) -> str:
    """Text table: op, kind, name, scope, note (why unhandled, or the conv a BatchNorm folds
    into); then the count per kind."""
    from fpxint_sim.report.text_table import format_table  # the terminal's one table format

    rows = [[op.op, op.kind, op.name, op.scope or "-",
             op.reason or (f"folds into {op.folds_into}" if op.folds_into else "-")]
            for op in captured.ops]
    counts = Counter(op.kind for op in captured.ops)
    total = f"{len(captured.ops)} ops ({captured.method}): " + ", ".join(
        f"{n} {kind}" for kind, n in sorted(counts.items()))
    return format_table(["op", "kind", "name", "scope", "note"], rows) + "\n" + total
