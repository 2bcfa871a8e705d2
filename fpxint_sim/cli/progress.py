"""Progress on stderr for the commands that take more than a couple of seconds.

One rule for every command (`show_progress`): progress goes to stderr only, never stdout, and
under --json it is shown only when stderr is a terminal (a pipe or a log file gets nothing).
Bars appear only once a command has run for DELAY_S, so quick commands stay silent.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

DELAY_S = 2.0


def show_progress(args) -> bool:
    """Whether a command run with parsed `args` may draw progress on stderr."""
    return not getattr(args, "json", False) or sys.stderr.isatty()


def progress_bar(args, desc: str, unit: str = "step", total=None):
    """A tqdm bar on stderr (disabled by `show_progress`), drawn after DELAY_S."""
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, delay=DELAY_S, leave=False,
                disable=not show_progress(args))


@contextmanager
def layer_progress(args, desc: str):
    """Count every forward pass of a Linear or Conv2d layer, expanded or float (PyTorch
    reference and engine alike), while the block runs: the models need no hooks of their own."""
    import torch

    from fpxint_sim.expand.expanded_layers import ExpandedConv2d, ExpandedLinear
    from fpxint_sim.expand.w4a16_layers import W4A16Linear

    counted = (ExpandedLinear, ExpandedConv2d, W4A16Linear, torch.nn.Linear, torch.nn.Conv2d)
    with progress_bar(args, desc, unit="layer") as bar:
        if bar.disable:
            yield bar
            return

        def count(module, _inputs, _output):
            if isinstance(module, counted):
                bar.update()

        handle = torch.nn.modules.module.register_module_forward_hook(count)
        try:
            yield bar
        finally:
            handle.remove()
