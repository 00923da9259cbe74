"""`draw(max_nodes=...)`: the values a capped drawing shows, nearest the output, and what it hides."""
from __future__ import annotations

import warnings
from collections import deque
from typing import Optional

from ..value import Value

# Nodes above which Graphviz lays a graph out in minutes, not seconds: its time grows much
# faster than the graph (measured: 1,630 nodes 4 s, 5,506 nodes 220 s).
_SLOW = 2000
# Ranks crossed (see _span) above which long edges are merged where they run side by side
# (measured: 560 ranks 0.1 s; 3,650 ranks 21 s, merged 3.7 s), and above which edges are
# also drawn straight and the placement's search is bounded (29,700 ranks: over 100 s, then 3 s).
_LONG = 1000
_HUGE = 8000


def _select(root: Value, order: list[Value], max_nodes: Optional[int]) -> tuple[set[Value], dict[Value, int]]:
    """The values to draw (nearest the output first) and the hidden ones feeding each boundary."""
    def cost(v: Value) -> int:
        return 1 if v._a is None else 2  # a computed value brings its operation node
    if max_nodes is None or sum(map(cost, order)) <= max_nodes:
        return set(order), {}
    shown: set[Value]
    shown, frontier, queued, drawn = set(), deque([root]), {root}, 0
    while frontier:
        v = frontier[0]
        new = [p for p in dict.fromkeys(v._prev) if p not in queued]
        # Every queued value still hidden becomes one placeholder: count those too.
        if shown and drawn + cost(v) + len(frontier) - 1 + len(new) > max_nodes:
            break  # (the output itself is always drawn, however small max_nodes is)
        frontier.popleft()
        shown.add(v)
        drawn += cost(v)
        frontier.extend(new)
        queued.update(new)
    shown.update(v for v in frontier if v._a is None)  # a leaf costs what its placeholder would
    hidden, claimed, boundary = {}, set(shown), {v for v in frontier if v._a is not None}
    for v in order:  # each hidden value is counted once, by the first boundary that reaches it
        if v in boundary:
            count, stack = 0, [v]
            claimed.add(v)
            while stack:
                node = stack.pop()
                count += 1
                for p in node._prev:
                    if p not in claimed:
                        claimed.add(p)
                        stack.append(p)
            hidden[v] = count
    return shown, hidden


def _layout(span: int) -> dict[str, str]:
    """Graphviz settings that keep the layout of long edges (`_span` ranks) to seconds."""
    if span > _HUGE:
        return {"concentrate": "true", "splines": "line", "nslimit": "1"}
    return {"concentrate": "true"} if span > _LONG else {}


def _warn_if_slow(order: list[Value], max_nodes: Optional[int]) -> None:
    """Say so before a layout that will take minutes: Graphviz gives no sign of life meanwhile."""
    nodes = len(order) + sum(v._a is not None for v in order)  # a box per value, a node per op
    nodes = nodes if max_nodes is None else min(nodes, max_nodes)
    if nodes > _SLOW:
        warnings.warn(f"draw(): laying out {nodes:,} nodes can take many minutes (Ctrl-C stops it); "
                      f"max_nodes=500 (the default) draws the part nearest the output in seconds",
                      RuntimeWarning, stacklevel=3)


def _span(order: list[Value], drawn: set[Value]) -> int:
    """How many ranks the drawn edges cross beyond their first: Graphviz's hidden work.

    Each rank an edge crosses becomes a node of Graphviz's own (and an edge label doubles the
    ranks), so a leaf used all along a long chain (a weight shared by every step of a loop)
    multiplies the layout's work.
    """
    depth: dict[Value, int] = {}
    total = 0
    for v in order:
        if v._a is None or v not in drawn:
            depth[v] = 0
            continue
        inputs = [depth[p] for p in v._prev if p in drawn]
        op = max(inputs, default=-1) + 1
        depth[v] = op + 1
        total += sum(op - d - 1 for d in inputs)
    return total
