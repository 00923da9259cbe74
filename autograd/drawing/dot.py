"""Draw a computation graph with every value's data and gradient (DOT via `graphviz`, SVG)."""
from __future__ import annotations

import contextlib
import html
import math
import os
from collections import deque
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union, cast

from ..explain_table import format_number as _fmt
from ..gradcheck import numeric_grad
from ..graph import topological_order
from .render import RenderError, RendererNotFoundError, check_target, digraph, plural, write
from ..value import Value

__all__ = ["draw", "RendererNotFoundError", "RenderError"]

# Fill colours tell the kinds of value apart; the legend is in docs/drawing.md.
_FILL = {"output": "#c9ecc9", "param": "#cfe2f7", "input": "#fff1c2", "const": "#f4f4f4", "": "white"}
_MISMATCH = "#f6b3b3"
_CLUSTERS = {"neuron": 1, "layer": 2}  # how many "name.index" steps above a parameter
_RANKDIRS = ("LR", "TB", "RL", "BT")
# Courier: Graphviz sizes boxes with Courier's metrics, and the SVG asks for
# "Courier,monospace"; every monospace fallback (DejaVu Sans Mono, Liberation Mono, Menlo,
# Consolas) is as wide, so labels fit where a proportional font would overflow its box.
_FONT = "Courier"
# Cluster name (None: outside any) -> (node name, DOT attributes) statements, in drawing order.
_Groups = Dict[Optional[str], List[Tuple[str, Dict[str, str]]]]


def draw(root: Value, filename: Union[str, os.PathLike[str], None] = None, *, rankdir: str = "LR",
         local_grads: bool = True, numeric: bool = False, params: Optional[Iterable[Value]] = None,
         max_nodes: Optional[int] = 500, cluster: Optional[str] = None, fmt: Optional[str] = None,
         step: bool = False) -> Any:
    """Draw the graph that made `root`: a `graphviz.Digraph`, or with `filename` a file.

    Each value is a box with its label, data and grad; each operation a small node between
    its inputs and output. Edges into an operation show the local derivative d out/d in that
    backward multiplied by. Colours: output green, parameters blue, labelled inputs yellow,
    unlabelled leaves (constants) grey. Parameters are `params`, or else leaves whose label is
    a dotted `nn` name such as 'layers.0.neurons.3.w.1'.

    rankdir: 'LR' (default) or 'TB', 'RL', 'BT'.  local_grads: label edges (default True).
    numeric: also show each leaf's central-difference gradient of `root`, red where it
    disagrees with `.grad`.  max_nodes: above this many drawn nodes, draw the part nearest the
    output with '... N more' placeholders (None: everything).  cluster: 'neuron' or 'layer'
    groups `nn` parameters and the operations that use them into labelled boxes.
    filename: write a file ('.svg', '.png' or '.dot'; `fmt` when it has no suffix) and return
    its path; rendering uses Graphviz's `dot` or the `viz` extra's bundled renderer.
    '.html' (or step=True): a step-through page of the forward and backward passes, one
    self-contained file; without a filename, step=True returns it for Jupyter to show inline.

    >>> from autograd import Value, draw
    >>> x = Value(0.5, label="x"); y = (x * 3).tanh(); y.backward()
    >>> "tanh" in draw(y).source
    True
    """
    if not isinstance(root, Value):
        # A layer with several outputs returns a list: say which one to pass.
        hint = (": draw one of them (the loss, or an output such as out[0])"
                if isinstance(root, (list, tuple)) and any(isinstance(v, Value) for v in root) else "")
        raise TypeError(f"draw() needs a Value to draw, got {type(root).__name__}{hint}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"draw(rankdir=...) must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    if cluster is not None and cluster not in _CLUSTERS:
        raise ValueError(f"draw(cluster=...) must be None, 'neuron' or 'layer', got {cluster!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int)
                                  or max_nodes < 1):
        raise ValueError(f"draw(max_nodes=...) must be a positive int or None, got {max_nodes!r}")
    for option, flag in (("local_grads", local_grads), ("numeric", numeric), ("step", step)):
        if not isinstance(flag, bool):
            raise TypeError(f"draw({option}=...) must be True or False, got {flag!r}")
    params = _as_params(params)
    # A bad path or format fails here, before any work and before any file is touched.
    if step and isinstance(filename, (str, os.PathLike)) and Path(filename).suffix.lower() not in ("", ".html"):
        raise ValueError(f"draw(step=True) writes an .html page, not {str(filename)!r}")
    target = None if filename is None else check_target(filename, "html" if step and fmt is None else fmt)
    options = (rankdir, local_grads, numeric, params, max_nodes, cluster)
    if step or (target is not None and target[1] == "html"):
        from .html import step_through  # the page needs the renderer only when asked for
        page = step_through(root, *options)
        return page if target is None else page.save(target[0])
    graph = _build(root, *options)
    return graph if target is None else write(graph.source, *target)


def _as_params(params: Optional[Iterable[Value]]) -> Optional[set[Value]]:
    if params is not None and not isinstance(params, Iterable):  # e.g. the model, or model.parameters
        raise TypeError(f"draw(params=...) must be an iterable of Values such as model.parameters(), "
                        f"got {type(params).__name__}")
    params = None if params is None else list(params)
    for i, p in enumerate(params or ()):
        if not isinstance(p, Value):
            raise TypeError(f"draw(params=...) must hold Values; item {i} is {type(p).__name__}")
    return None if params is None else set(params)


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


def _kind(v: Value, root: Optional[Value], params: Optional[set[Value]]) -> str:
    if v is root:
        return "output"
    if v._a is not None:
        return ""
    if (v in params) if params is not None else "." in v.label:
        return "param"
    return "input" if v.label else "const"


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


def _numeric(order: list[Value], leaves: list[Value]) -> dict[Value, float]:
    """d root/d leaf by central differences, replaying the recorded forward pass on floats."""
    result = {}
    for leaf in leaves:
        def replay(x: Value, leaf: Value = leaf) -> float:
            data = {leaf: float(x)}
            for v in order:
                if v._a is not None:  # computed, so it has an op
                    data[v] = v._op.forward(*(data.get(p, p.data) for p in v._prev))  # type: ignore[union-attr]
            return data.get(order[-1], order[-1].data)
        try:
            result[leaf] = numeric_grad(replay, [leaf])[0]
        except (ArithmeticError, ValueError):  # the nudged input left the op's domain
            result[leaf] = math.nan
    return result


def _value_label(v: Value, kind: str, num: Optional[float], name: str, grad: Optional[float]) -> str:
    # Unlabelled values show, in grey, the name `explain` calls them by.
    cells = [f"<b>{html.escape(v.label)}</b>" if v.label else f'<font color="#777777">{name}</font>']
    cells += [f"data {_fmt(v.data)}", f"grad {'None' if grad is None else _fmt(grad)}"]
    row = "".join(f"<td>{c}</td>" for c in cells)
    if num is not None:
        bad = grad is not None and not math.isclose(grad, num, rel_tol=1e-4, abs_tol=1e-5)  # gradcheck's defaults
        colour = f' bgcolor="{_MISMATCH}"' if bad else ""
        row += f"<td{colour}>num {_fmt(num)}{' &#8800;' if bad else ''}</td>"
    border = ' border="2" color="#2e7d32"' if kind == "output" else ' border="0"'
    return (f'<<table{border} cellborder="1" cellspacing="0" cellpadding="3" '
            f'bgcolor="{_FILL[kind]}"><tr>{row}</tr></table>>')


def _notes(root: Value, root_grad: Optional[float], shown: set[Value], total: int, local_grads: bool,
           numeric: bool, max_nodes: Optional[int]) -> str:
    notes = []
    if root._a is None and root._op is not None:  # made by an op, but with no inputs kept
        notes.append("computed under no_grad(): no graph was recorded; compute it outside no_grad() to draw one")
    elif root_grad is None or root_grad == 0.0:
        notes.append("gradients not computed yet: call backward() first")
    if len(shown) < total:
        notes.append(f"capped view: the {len(shown)} values nearest the output, of {total} "
                     f"(max_nodes={max_nodes}); draw(..., max_nodes=None) draws all")
    if local_grads:
        notes.append("edge numbers: local derivative d out / d in")
    if numeric:
        notes.append("num: central-difference gradient of the output (red: differs from grad)")
    return "".join(note + "\\l" for note in notes)  # \l: left-justified lines


def _build(root: Value, rankdir: str, local_grads: bool, numeric: bool, params: Optional[set[Value]],
           max_nodes: Optional[int], cluster: Optional[str], grads: Optional[dict[Value, float]] = None,
           order: Optional[list[Value]] = None) -> Any:
    """The Digraph; `grads` (value -> float) replaces `.grad` in the boxes (the step-through
    page draws the grads of one fresh backward pass)."""
    order = topological_order(root) if order is None else order
    grads = {} if grads is None else grads
    shown, hidden = _select(root, order, max_nodes)
    name = {v: f"v{i}" for i, v in enumerate(order)}  # stable: traversal order, never id()
    nums = _numeric(order, [v for v in order if v._a is None and v in shown]) if numeric else {}
    owner = _owners(order, shown, params, _CLUSTERS[cluster]) if cluster else {}
    g = digraph(root.label or "graph")  # the SVG's title: its tooltip in a browser
    g.attr(rankdir=rankdir, fontname=_FONT, fontsize="11", labelloc="t", labeljust="l",
           label=_notes(root, grads.get(root, root.grad), shown, len(order), local_grads, numeric, max_nodes))
    g.attr("node", fontname=_FONT, fontsize="10")
    g.attr("edge", fontname=_FONT, fontsize="9", fontcolor="#555555", color="#777777")
    groups: _Groups = {}  # cluster name -> node statements, in order of first appearance
    for v in order:
        if v not in shown:
            continue
        body = groups.setdefault(owner.get(v), [])
        kind = _kind(v, root, params)
        label = _value_label(v, kind, nums.get(v), name[v], grads.get(v, v.grad))
        body.append((name[v], {"label": label, "shape": "plain"}))
        if v._a is not None:
            op = v.op
            shape = "circle" if len(op) <= 3 else "ellipse"
            body.append((name[v] + "op", {"label": op, "shape": shape, "style": "filled",
                                          "fillcolor": "#eeeeee", "margin": "0.02"}))
    for v, count in hidden.items():
        groups.setdefault(None, []).append((name[v], {
            "label": f"... {count} more", "shape": "box", "style": "dashed", "fontcolor": "#777777"}))
    _emit(g, groups, cluster)
    edges = 0
    for v in order:
        if v not in shown or v._a is None:
            continue
        g.edge(name[v] + "op", name[v])
        for p, d in zip(v._prev, v._local):
            if p in shown or p in hidden:
                g.edge(name[p], name[v] + "op", label=_fmt(d) if local_grads else None)
                edges += 1
    ops = sum(1 for v in shown if v._a is not None)
    g.summary = (f"{len(shown):,} of {plural(len(order), 'value')}" if len(shown) < len(order)
                 else plural(len(order), "value"),
                 ops, edges + ops, root.label or name[root])
    g.shown, g.names = shown, name  # what the step-through page steps through
    return g


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
    with g.subgraph(name=f"cluster_{key}") as sub:
        sub.attr(label=key, style="rounded,dashed", color="#8aa4c8", fontcolor="#3d5a80")
        yield sub
