"""Registering new submodules in a captured GraphModule, and reading its constant tensors.

A rewritten op gets a module at a path named after what it computes (the owner of its weight,
or the scope it was called from). An existing attribute at that path is replaced only when it
is a bare holder of exactly the tensors the new module takes over (export's unlifted modules
keep parameters in such holders), so nothing another op reads is lost.
"""

from __future__ import annotations

import torch
from torch import fx, nn

from fpxint_sim.capture.op_names import scope_of


def constant_tensor(gm: fx.GraphModule, arg) -> torch.Tensor | None:
    """The tensor a get_attr node reads (a parameter, buffer or constant), else None."""
    if not isinstance(arg, fx.Node) or arg.op != "get_attr":
        return None
    obj = gm
    for part in str(arg.target).split("."):
        obj = getattr(obj, part, None)
    return obj if isinstance(obj, torch.Tensor) else None


def weight_owner(arg) -> str | None:
    """Module path owning a get_attr weight: "a.fc.weight" -> "a.fc", "a.in_proj_weight" ->
    "a.in_proj"."""
    if not isinstance(arg, fx.Node) or arg.op != "get_attr":
        return None
    t = str(arg.target)
    for suffix in (".weight", "_weight", ".w", ".kernel"):
        if t.endswith(suffix) and len(t) > len(suffix):
            return t[: -len(suffix)]
    return t


def module_path_for(node: fx.Node, weight_ref) -> str:
    """Path for the module of a rewritten op: the owner of its weight ("a.fc.weight" ->
    "a.fc"; a module's own target as is), else its scope + its node name."""
    if isinstance(weight_ref, str):
        return weight_ref
    owner = weight_owner(weight_ref)
    if owner is not None and owner != str(weight_ref.target):
        return owner
    scope = scope_of(node)
    return f"{scope}.{node.name}" if scope else node.name


def _only_read_by(gm: fx.GraphModule, target: str, consumer) -> bool:
    readers = [n for n in gm.graph.nodes if n.op in ("get_attr", "call_module")
               and (n.target == target or str(n.target).startswith(target + "."))]
    return consumer is not None and all(
        n.op == "get_attr" and set(n.users) <= {consumer} for n in readers)


def _replaceable(gm, path: str, old, new: nn.Module, consumer) -> bool:
    """A bare holder whose tensors the new module holds too, or that only `consumer` reads."""
    if not isinstance(old, nn.Module) or type(old) not in (nn.Module, type(new)):
        return False
    if any(n.op == "call_module" and n.target == path and n is not consumer
           for n in gm.graph.nodes):
        return False  # another op calls it
    if len(old._modules):
        return False
    for name, t in list(old._parameters.items()) + list(old._buffers.items()):
        if t is not None and getattr(new, name, None) is not t \
                and not _only_read_by(gm, f"{path}.{name}", consumer):
            return False
    return True


def _get(gm: nn.Module, path: str):
    obj = gm
    for part in path.split("."):
        if not hasattr(obj, part):
            return None
        obj = getattr(obj, part)
    return obj


def register_module(gm: fx.GraphModule, base: str, module: nn.Module, consumer=None) -> str:
    """Add `module` at path `base` (or base_2, base_3, ... when taken); returns the path.

    `consumer`: the node being rewritten; a holder only it reads may be replaced. When a
    non-module sits on the path, the module goes to the root (dots as '_')."""
    base = base.strip(".") or "op"
    path, k = base, 1
    while True:
        parent_path, _, leaf = path.rpartition(".")
        parent = _get(gm, parent_path) if parent_path else gm
        if parent is not None and not isinstance(parent, nn.Module):
            base = path = base.replace(".", "_")  # a tensor where a container should be
            continue
        existing = _get(gm, path)
        if existing is None or (parent is not None
                                 and _replaceable(gm, path, existing, module, consumer)):
            if parent is not None and existing is not None:
                delattr(parent, leaf)
            if gm.add_submodule(path, module):
                return path
            base = path = base.replace(".", "_")
            continue
        k += 1
        path = f"{base}_{k}"


def as_parameter(t: torch.Tensor | None) -> nn.Parameter | None:
    """The tensor itself when already a Parameter (shared with the source), else wrapped."""
    if t is None or isinstance(t, nn.Parameter):
        return t
    return nn.Parameter(t, requires_grad=False)


def drop_unused(gm: fx.GraphModule) -> None:
    """Erase get_attr nodes nobody reads, then parameters/buffers/modules nothing references."""
    for node in list(gm.graph.nodes):
        if node.op == "get_attr" and not node.users:
            gm.graph.erase_node(node)
    used = {str(n.target) for n in gm.graph.nodes if n.op in ("get_attr", "call_module")}

    def referenced(path: str) -> bool:
        return any(path == u or path.startswith(u + ".") for u in used)

    for name, _ in list(gm.named_parameters(remove_duplicate=False)) + list(
            gm.named_buffers(remove_duplicate=False)):
        if not referenced(name):
            owner_path, _, leaf = name.rpartition(".")
            owner = _get(gm, owner_path) if owner_path else gm
            if owner is not None and type(owner) is nn.Module and hasattr(owner, leaf):
                delattr(owner, leaf)
    gm.delete_all_unused_submodules()
    gm.recompile()


def register_tensor(gm: fx.GraphModule, base: str, tensor: torch.Tensor) -> str:
    """Keep `tensor` as a root attribute named after `base` (dots as '_'); returns the name."""
    base = base.replace(".", "_")
    name, k = base, 1
    while hasattr(gm, name):
        k += 1
        name = f"{base}_{k}"
    if isinstance(tensor, nn.Parameter):
        gm.register_parameter(name, tensor)
    else:
        gm.register_buffer(name, tensor)
    return name
