"""Arguments of a graph call by name, with the op's defaults (exported graphs omit them)."""

from __future__ import annotations


def call_args(node, names: tuple[str, ...], defaults: dict | None = None) -> dict:
    """{name: value} from node.args (positional, in `names` order) and node.kwargs."""
    out = dict(defaults or {})
    for name, value in zip(names, node.args):
        out[name] = value
    for name, value in node.kwargs.items():
        out[name] = value
    return out


def replace_node(graph, old, new) -> None:
    """Route old's users to new (keeping its shape metadata) and erase old."""
    new.meta.update({k: v for k, v in old.meta.items() if k not in new.meta})
    old.replace_all_uses_with(new)
    graph.erase_node(old)
