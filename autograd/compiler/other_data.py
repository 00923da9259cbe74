"""Trace again on other data: a graph that changes with the data's values cannot be compiled.

Two samples of one kind that build different graphs are caught by comparing them (samples.py),
but not a number read from the data that is the same kind of constant in every traced sample
(`w * float(x[0])` with x[0] = 1.0 looks like the identity `* 1.0`), a sample whose whole term
is constants (`b * float(x[0])`), nor a choice that picks differently for each class by chance
(`max(logits)` compares values), nor a parameter's value frozen as a constant (`w.detach()`).
Tracing once more with every row moved to the next sample of its length, its signs flipped,
float targets y as 1 - y and every parameter nudged (class indices stay) gives the same graph,
node by node and constant by constant, for any function that builds its graph from the
structure of the batch alone; anything else differs somewhere (a Python `if x[0] > 0` or
`if y > 0.5` too, though every traced sample took the same branch).
"""
import threading

from ..value import Value
from .trace import CompileError, run, split_returned, trace

# Held while the parameters are nudged (below). Every compiled call holds it too (step.py,
# array_training.py), so that no compiled step in another thread reads a nudged parameter.
lock = threading.RLock()

_NUDGE = 1.0 - 2.0 ** -20  # every number moves by about 1e-6 (relative), towards zero


def check_other_data(fn, params, traced, xb, yb, data, outputs):
    """Raise CompileError if `fn` on other data of the batch `xb, yb` builds another graph
    than `traced` (its trace, or what `trace.run` returned on it, unsplit): far data (signs
    flipped, 0/1 labels swapped, nudged), and only if that trace raises (a log of a flipped
    row, validation of the data: it proves nothing and is let go), near data (nudged alone).
    Far data is nudged too, so it sees every constant that near data would: the second
    trace is paid only by functions that need it.

    >>> from autograd import Value
    >>> w = Value(0.5)
    >>> fn = lambda rows, targets: sum(w * float(x[0]) for x in rows)   # x[0] baked in
    >>> xb, yb = [[1.0], [2.0]], [0.0, 0.0]
    >>> try:
    ...     check_other_data(fn, [w], trace(fn, [w], xb, yb, True), xb, yb, True, False)
    ... except CompileError as error:
    ...     print(str(error).split(" (")[0])
    compile: the function builds another graph when the numbers of the batch change
    """
    s, (returned, where) = (None, traced) if isinstance(traced, tuple) else (traced, _returned(traced, outputs))
    for far in (True, False):
        rows2, targets2 = _other_data(xb, yb, data, far)
        with lock:
            got = _run_nudged(fn, params, rows2, targets2, data)
        if got is None:
            continue
        if _same_graph(returned, where, *got, params, outputs):
            return  # (the common case, seen without splitting either graph: faster, less memory)
        try:
            s2 = split_returned(got[0], params, got[1], len(rows2), outputs)
        except Exception:  # (what the function returned on other data is not even a loss)
            continue
        del got
        if s is None:  # (only to say where they differ)
            s = split_returned(returned, params, where, len(xb), outputs)
        difference = _first_difference(s, s2)
        del s2
        if difference is None:
            return  # (near data would only repeat what far data saw)
        raise CompileError(
            "compile: the function builds another graph when the numbers of the batch change "
            f"(traced again with each row moved to another sample and its numbers {_HOW[far]}, and "
            f"every parameter nudged: {difference}). It reads values while building its graph "
            "(float(x), x.data, p.detach(), a Python if, max, min or sorted on values), so it cannot "
            "be compiled; keep such numbers as Values (x[0] * b rather than b * float(x[0])), or run "
            f"the function without compile{_LABELS if data and _float_targets(yb) else ''}")


_LABELS = ("; targets that are labels read in Python (if y > 0: ...) can be given as ints, "
           "one code for each label")


def _float_targets(yb):
    return any(isinstance(y, float) or isinstance(y, (list, tuple)) for y in yb)


def _run_nudged(fn, params, rows, targets, data):
    """(what `fn` returns on `rows`, where) with every parameter nudged (put back after); None
    if it raises."""
    values = [p.data for p in params]
    nudged = [_nudged(x) for x in values]
    try:
        for p, x in zip(params, nudged):  # (a parameter read as a number is frozen too: p.detach(), float(p))
            p.data = x
        return run(fn, rows, targets, data)
    except Exception:  # (not the compiler's business: the function's own errors)
        return None
    finally:
        for p, value, x in zip(params, values, nudged):
            if p.data is x:  # a write meanwhile (an optimizer's step in another thread) is kept, not undone
                p.data = value


_HOW = {False: "nudged by 1e-6", True: "signs flipped and nudged (float targets y as 1 - y)"}


def _other_data(xb, yb, data, far):
    """Each row moved to the next sample with a row of its length, every number nudged (and
    `far`: its sign flipped); float targets (when they are data) nudged in place (`far`: y
    becomes 1 - y, which swaps 0/1 labels and keeps probabilities in [0, 1]); class indices kept."""
    by_length = {}
    for i, row in enumerate(xb):
        by_length.setdefault(len(row), []).append(i)
    sign = -1.0 if far else 1.0
    rows2 = [None] * len(xb)
    for same in by_length.values():
        for k, i in enumerate(same):
            rows2[i] = [_nudged(sign * x) for x in xb[same[k - 1]]]
    targets2 = list(yb)
    if data:
        def other(y):  # (labels 0 and 1 swap exactly, so that `if y:` sees the other one)
            return _nudged(y) if not far else 1.0 - y if y in (0.0, 1.0) else _nudged(1.0 - y)
        for i, y in enumerate(yb):
            if isinstance(y, float):
                targets2[i] = other(y)
            elif isinstance(y, (list, tuple)):
                targets2[i] = [other(t) for t in y]
    return rows2, targets2


def _nudged(x):
    """x moved by about 1e-6 relative towards zero; 0.0 becomes a tiny positive number."""
    return x * _NUDGE if x else 2.0 ** -40


def _returned(s, outputs):
    """(what the function returned, where) for a trace `s` (a forward pass: each row's results)."""
    if not outputs:
        return s.root, s.where
    return [values if shape is not None else values[0] for values, shape in zip(s.outputs, s.shapes)], s.where


def _same_graph(out, where, out2, where2, params, outputs):
    """True if `out2` (returned on placeholders `where2`) is the graph of `out`, node by node
    and constant by constant: both walked at once from their roots, neither split. False may
    also mean that `_first_difference` must look (it finds nothing if they are the same)."""
    roots, roots2 = _roots(out, outputs), _roots(out2, outputs)
    if roots is None or roots2 is None or roots[0] != roots2[0]:
        return False
    index, match, taken = set(params), {}, set()
    roots, roots2 = roots[1], roots2[1]
    stack = list(zip(roots, roots2))  # (of equal lengths: the shapes are the same)
    while stack:
        v, v2 = stack.pop()
        if v in match:
            if match[v] is not v2:
                return False
            continue
        if v2 in taken:
            return False
        match[v] = v2
        taken.add(v2)
        a, a2 = v._a, v2._a
        if a is None or a2 is None:  # leaves: the same parameter, number of a sample, or constant
            if a is not a2:
                return False
            if v is v2:
                continue
            place, place2 = where.get(v), where2.get(v2)
            if place is not None or place2 is not None:
                if place != place2:
                    return False
            elif v in index or v2 in index or not (v.data == v2.data or v.data != v.data and v2.data != v2.data):
                return False
            continue
        op, op2, b, b2 = v._op, v2._op, v._b, v2._b
        if (op is not op2 and (op.name != op2.name or op.arg != op2.arg)) or (b is None) != (b2 is None):
            return False
        if b is not None:
            stack.append((b, b2))
        stack.append((a, a2))
    return True


def _roots(out, outputs):
    """(shapes, [Value]) of what the function returned; None if it is not a loss (a forward
    pass: one Value or list of Values per row)."""
    if not outputs:
        return ((), [out]) if isinstance(out, Value) else None
    if not isinstance(out, (list, tuple)):
        return None
    shapes, roots = [], []
    for item in out:
        many = isinstance(item, (list, tuple))
        shapes.append(len(item) if many else None)
        roots += item if many else [item]
    return (shapes, roots) if all(isinstance(v, Value) for v in roots) else None


def _first_difference(s, s2):
    """Where the graphs of two traces first differ, in words; None if they are the same."""
    place, place2 = s.position, s2.position  # every node, numbered in topological order by split
    if len(place) != len(place2):
        return f"{len(place)} values in one graph, {len(place2)} in the other"
    for k, (v, v2) in enumerate(zip(place, place2)):
        a, b, a2, b2 = v._a, v._b, v2._a, v2._b
        if a is None or a2 is None:  # leaves: what they stand for
            if _leaf(v, s) != _leaf(v2, s2):
                return f"value {k} of the graph is {_words(v, s)} in one and {_words(v2, s2)} in the other"
        elif (v._op.name != v2._op.name or v._op.arg != v2._op.arg or place[a] != place2[a2]
              or (None if b is None else place[b]) != (None if b2 is None else place2[b2])):
            return f"value {k} of the graph is {_words(v, s)} in one and {_words(v2, s2)} in the other"
    return None


def _leaf(v, s):
    if v._a is not None:
        return None
    if v in s.index:
        return ("parameter", s.index[v])
    if v in s.where:
        return ("input", s.where[v])
    return ("constant", v.data if v.data == v.data else "nan")


def _words(v, s):
    leaf = _leaf(v, s)
    if leaf is None:
        arg = "" if v._op.arg is None else f" {v._op.arg!r}"
        inputs = ", ".join(str(s.position[x]) for x in (v._a, v._b) if x is not None)
        return f"{v._op.name!r}{arg} of values {inputs}"
    if leaf[0] == "constant":
        return f"the constant {v.data!r}"
    if leaf[0] == "parameter":
        return f"parameter {leaf[1]}"
    return f"number {leaf[1][1]} of sample {leaf[1][0]}"
