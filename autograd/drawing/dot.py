"""Draw a computation graph with every value's data and gradient (DOT via `graphviz`, SVG)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from ..explain_table import check_labels, format_number as _fmt, printable
from ..graph import topological_order
from .capped import _layout, _select, _span, _warn_if_slow
from .clusters import _CLUSTERS, _Groups, _emit, _owners
from .labels import _kind, _notes, _value_label
from .numeric import _numeric
from .render import RenderError, RendererNotFoundError, check_target, digraph, plural, write
from ..value import Value

__all__ = ["draw", "RendererNotFoundError", "RenderError"]

_RANKDIRS = ("LR", "TB", "RL", "BT")
# Courier: Graphviz sizes boxes with Courier's metrics, and the SVG asks for
# "Courier,monospace"; every monospace fallback (DejaVu Sans Mono, Liberation Mono, Menlo,
# Consolas) is as wide, so labels fit where a proportional font would overflow its box.
_FONT = "Courier"


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
        _warn_if_slow(topological_order(root), max_nodes)
        page = step_through(root, *options)
        return page if target is None else page.save(target[0])
    graph = _build(root, *options)
    if target is None:
        return graph
    if target[1] != "dot":
        _warn_if_slow(topological_order(root), max_nodes)
    return write(graph.source, *target)


def _as_params(params: Optional[Iterable[Value]]) -> Optional[set[Value]]:
    if params is not None and not isinstance(params, Iterable):  # e.g. the model, or model.parameters
        raise TypeError(f"draw(params=...) must be an iterable of Values such as model.parameters(), "
                        f"got {type(params).__name__}")
    params = None if params is None else list(params)
    for i, p in enumerate(params or ()):
        if not isinstance(p, Value):
            raise TypeError(f"draw(params=...) must hold Values; item {i} is {type(p).__name__}")
    return None if params is None else set(params)


def _build(root: Value, rankdir: str, local_grads: bool, numeric: bool, params: Optional[set[Value]],
           max_nodes: Optional[int], cluster: Optional[str], grads: Optional[dict[Value, float]] = None,
           order: Optional[list[Value]] = None) -> Any:
    """The Digraph; `grads` (value -> float) replaces `.grad` in the boxes (the step-through
    page draws the grads of one fresh backward pass)."""
    order = topological_order(root) if order is None else order
    check_labels(order, "draw()")
    grads = {} if grads is None else grads
    shown, hidden = _select(root, order, max_nodes)
    name = {v: f"v{i}" for i, v in enumerate(order)}  # stable: traversal order, never id()
    nums = _numeric(order, [v for v in order if v._a is None and v in shown]) if numeric else {}
    owner = _owners(order, shown, params, _CLUSTERS[cluster]) if cluster else {}
    g = digraph(printable(root.label) or "graph")  # the SVG's title: its tooltip in a browser
    g.attr(rankdir=rankdir, fontname=_FONT, fontsize="11", labelloc="t", labeljust="l",
           label=_notes(root, grads.get(root, root.grad), shown, len(order), local_grads, numeric, max_nodes))
    g.attr(**_layout(_span(order, shown | set(hidden))))  # a leaf used all along a loop: long edges
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
                 ops, edges + ops, printable(root.label) or name[root])
    g.shown, g.names = shown, name  # what the step-through page steps through
    return g
