"""Which BatchNorm2d calls of a graph fold into the Conv2d call before them.

A pair is a Conv2d call whose only user is an eval-statistics BatchNorm2d call taking it as
its only input, each module called once in the graph. Expansion folds exactly these
(expand/fold_bn.py) and the op list marks them (capture/captured.py): one rule for both.
"""

from __future__ import annotations

from torch import fx, nn


def foldable_batchnorm(bn) -> bool:
    return isinstance(bn, nn.BatchNorm2d) and bn.track_running_stats \
        and bn.running_mean is not None


def conv_bn_pairs(gm: fx.GraphModule) -> list[tuple[fx.Node, fx.Node]]:
    """(conv call, BatchNorm call) pairs that fold, in graph order."""
    calls: dict[str, int] = {}
    for node in gm.graph.nodes:
        if node.op == "call_module":
            calls[node.target] = calls.get(node.target, 0) + 1
    pairs = []
    for node in gm.graph.nodes:
        if node.op != "call_module" or len(node.users) != 1:
            continue
        user = next(iter(node.users))
        if user.op != "call_module" or user.args != (node,) or user.kwargs:
            continue
        conv, bn = gm.get_submodule(node.target), gm.get_submodule(user.target)
        if type(conv) is nn.Conv2d and foldable_batchnorm(bn) \
                and calls[node.target] == 1 and calls[user.target] == 1:
            pairs.append((node, user))
    return pairs
