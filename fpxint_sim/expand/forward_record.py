"""The one walker over a forward pass: every call of every expanded layer, in call order.

Each expanded layer hands the record of each call (call_record.py) to its `recorder` while
one is attached; `record_forward` attaches one to every layer of a model, runs the forward,
and returns the output with the records. Lowering, the cost workload and the engine's run
all read this list, so what is costed and listed is what ran.
"""

from __future__ import annotations

from collections.abc import Callable

import torch


def record_forward(em, forward: Callable, on_call: Callable | None = None):
    """(forward(em.module) under no_grad, [ForwardIR] of every layer call in order);
    on_call(record) sees each record as the forward makes it (progress)."""
    calls = []

    def recorder(record):
        calls.append(record)
        if on_call is not None:
            on_call(record)

    for layer in em.layers.values():
        layer.recorder = recorder
    try:
        with torch.no_grad():
            out = forward(em.module)
    finally:
        for layer in em.layers.values():
            layer.recorder = None
    return out, calls
