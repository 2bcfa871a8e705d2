"""The seam between a model source and the expander.

`prepare_for_expansion(module, example_inputs)` is what every command and the Python API
expand: today it returns `module` unchanged. Graph capture plugs in here (one line: return
its captured module), so that functional ops and torch.export programs reach the expander as
expandable modules; nothing else has to change.
"""

from __future__ import annotations

from torch import nn


def prepare_for_expansion(module: nn.Module, example_inputs: tuple) -> nn.Module:
    """The module the expander works on, given the inputs it will run with (see module doc)."""
    del example_inputs  # used once graph capture is wired in
    return module


def expand_source(source, cfg):
    """The ExpandedModel of a ModelSource: prepared, then expanded; one with no layer to expand
    is an InputError (a run, a verify or a cost of nothing would look like a success)."""
    from fpxint_sim.errors import InputError
    from fpxint_sim.expand import expand_model

    em = expand_model(prepare_for_expansion(source.module, source.inputs), cfg)
    if not em.layers:
        why = (" (a torch.export program's module() holds its Linear/Conv calls as graph "
               "nodes, not nn.Linear/nn.Conv2d modules: they are expanded once graph capture "
               "is wired in; until then use FILE.py:FUNCTION)" if source.kind == "pt2" else "")
        floats = ", ".join(f"{n} ({t})" for n, t in em.float_layers[:5])
        raise InputError(f"--model {source.name}: no nn.Linear or nn.Conv2d layer to expand"
                         f"{why}; left in float: {floats or 'nothing'}")
    return em
