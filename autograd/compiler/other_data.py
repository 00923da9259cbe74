"""Trace again on other data: a graph that changes with the data's values cannot be compiled.

Two samples of one kind that build different graphs are caught by comparing them (samples.py),
but not a number read from the data that is the same kind of constant in every traced sample
(`w * float(x[0])` with x[0] = 1.0 looks like the identity `* 1.0`), a sample whose whole term
is constants (`b * float(x[0])`), nor a choice that picks differently for each class by chance
(`max(logits)` compares values). Tracing once more with every row moved to the next sample of
its length and every number nudged (targets of class indices stay) gives the same graph, node
by node and constant by constant, for any function that builds its graph from the structure
of the batch alone; anything else differs somewhere.
"""
import math
import numbers

from ..graph import topological_order
from .trace import CompileError, trace

_NUDGE = 1.0 - 2.0 ** -20  # every number moves by about 1e-6 (relative), towards zero


def check_other_data(fn, params, s, xb, yb, data, outputs):
    """Raise CompileError if `fn` on other data of the batch `xb, yb` (traced as `s`) builds
    another graph. A trace that raises proves nothing either way and is let go."""
    rows2, targets2 = _other_data(xb, yb, data)
    try:
        s2 = trace(fn, params, rows2, targets2, data, outputs=outputs)
    except Exception:  # (validation of the data, a domain error: not the compiler's business)
        return
    difference = _first_difference(s, s2)
    if difference is not None:
        raise CompileError(
            "compile: the function builds another graph when the numbers of the batch change (traced "
            f"again with each row moved to another sample and every number nudged by 1e-6: {difference}). "
            "It reads the data's values while building its graph (float(x), x.data, detach(), a Python "
            "if, max, min or sorted on values), so it cannot be compiled; keep such numbers as Values "
            "(x[0] * b rather than b * float(x[0])), or run the function without compile")


def _other_data(xb, yb, data):
    """Each row moved to the next sample with a row of its length, every number nudged; float
    targets (when they are data) nudged in place; class indices kept."""
    by_length = {}
    for i, row in enumerate(xb):
        by_length.setdefault(len(row), []).append(i)
    rows2 = [None] * len(xb)
    for same in by_length.values():
        for k, i in enumerate(same):
            rows2[i] = [_nudged(x) for x in xb[same[k - 1]]]
    targets2 = list(yb)
    if data:
        for i, y in enumerate(yb):
            if isinstance(y, float):
                targets2[i] = _nudged(y)
            elif isinstance(y, (list, tuple)):
                targets2[i] = [_nudged(t) for t in y]
    return rows2, targets2


def _nudged(x):
    """x moved by about 1e-6 relative towards zero; 0.0 becomes a tiny positive number."""
    return x * _NUDGE if x else 2.0 ** -40


def _first_difference(s, s2):
    """Where the graphs of two traces first differ, in words; None if they are the same."""
    order, order2 = topological_order(s.root), topological_order(s2.root)
    if len(order) != len(order2):
        return f"{len(order)} values in one graph, {len(order2)} in the other"
    place, place2 = {}, {}
    for k, (v, v2) in enumerate(zip(order, order2)):
        place[v], place2[v2] = k, k
        a, a2 = _node(v, s, place), _node(v2, s2, place2)
        if a != a2 and not (a[0] == a2[0] == "constant" and math.isnan(a[1]) and math.isnan(a2[1])):
            return f"value {k} of the graph is {_words(a)} in one and {_words(a2)} in the other"
    return None


def _node(v, s, place):
    if v._a is None:
        if v in s.index:
            return ("parameter", s.index[v])
        if v in s.where:
            return ("input", s.where[v])
        return ("constant", v.data)
    return (v._op.name, v._op.arg, place[v._a], None if v._b is None else place[v._b])


def _words(node):
    if node[0] == "constant":
        return f"the constant {node[1]!r}"
    if node[0] == "parameter":
        return f"parameter {node[1]}"
    if node[0] == "input":
        return f"number {node[1][1]} of sample {node[1][0]}"
    arg = "" if node[1] is None or not isinstance(node[1], numbers.Number) else f" {node[1]!r}"
    return f"{node[0]!r}{arg} of values {', '.join(str(x) for x in node[2:] if x is not None)}"
