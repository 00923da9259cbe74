"""`draw(cluster=...)`: `nn` parameters and the operations that use them, boxed by neuron or layer."""
from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterator, List, Optional, Tuple, cast

from ..value import Value
from ..explain_table import printable
from .labels import _kind

_CLUSTERS = {"neuron": 1, "layer": 2}  # how many "name.index" steps above a parameter
# Cluster name (None: outside any) -> (node name, DOT attributes) statements, in drawing order.
_Groups = Dict[Optional[str], List[Tuple[str, Dict[str, str]]]]


def _owners(order: list[Value], shown: set[Value], params: Optional[set[Value]], level: int) -> dict[Value, str]:
    """Cluster name of each drawn value: its parameter's module, or the one its inputs share."""
    owner = {}
    for v in order:
        if v not in shown:
            continue
        if v._a is None:
            if _kind(v, None, params) == "param" and "." in v.label:
                owner[v] = _module(v.label, level)
            continue
        leaf_owner = {owner[p] for p in v._prev if p._a is None and p in owner}
        # Unlabelled constants (the -1 of a subtraction) do not break a neuron's chain.
        inputs = [p for p in v._prev if p._a is not None or p.label]
        shared = {owner.get(p) for p in inputs}
        if len(leaf_owner) == 1:
            owner[v] = leaf_owner.pop()
        elif len(shared) == 1 and None not in shared:
            owner[v] = cast(str, shared.pop())  # None is not in `shared`
    return owner


def _module(label: str, level: int) -> str:
    """'layers.0.neurons.3.w.1' -> 'layers.0.neurons.3' (level 1) or 'layers.0' (level 2)."""
    parts = label.split(".")
    for _ in range(level):
        while parts and parts[-1].isdigit():
            parts.pop()
        parts = parts[:-1]
    return ".".join(parts)


def _emit(g: Any, groups: _Groups, cluster: Optional[str]) -> None:
    """Node statements, each cluster a subgraph (with cluster='neuron', nested in its layer)."""
    def outer_of(key: Optional[str]) -> str:
        return _module(key, 1) if cluster == "neuron" and key else ""
    for outer in dict.fromkeys(map(outer_of, groups)):
        with _subgraph(g, outer) as parent:
            for key in (k for k in groups if outer_of(k) == outer):
                with _subgraph(parent, key) as sub:
                    for node, attrs in groups[key]:
                        sub.node(node, **attrs)


@contextlib.contextmanager
def _subgraph(g: Any, key: Optional[str]) -> Iterator[Any]:
    if not key:  # not in a cluster
        yield g
        return
    key = printable(key)
    with g.subgraph(name=f"cluster_{key}") as sub:
        sub.attr(label=key, style="rounded,dashed", color="#8aa4c8", fontcolor="#3d5a80")
        yield sub
