"""The batch reduction for any batch size, from traces of two small batches.

Most losses end the same way: add up one value per sample (`sum(losses)`), then a few
operations with constants (`* (1 / n)` for a mean) and parameter-only terms (`+ l2`).
`fold` recognises that shape in a traced batch; `same_fold` compares the shapes of two
batch sizes and finds which constants depend on the size (k / n or k * n); `build` writes
the reduction's graph for a new size, so the samples' code is reused without a trace.
"""
import collections

from .. import value as _value
from ..grad_mode import enable_grad

View = collections.namedtuple("View", "root reduce_nodes const requires slots")


def exact_view(s):
    """The reduction of a traced batch as it is (its own size only)."""
    slots = {x: k for k, x in enumerate(x for out in s.outputs for x in out)}
    return View(s.root, s.reduce_nodes, s.const, s.requires, slots)


def fold(s):
    """(start, tail) when the reduction adds one output per sample in order, then applies
    `tail`; start is None for `B0 + B1 + ...`, or (c, side) for `c + B0 + B1 + ...`.
    None for any other reduction (it is then traced for each batch size)."""
    if any(len(out) != 1 for out in s.outputs) or len(s.outputs) < 2:
        return None
    b = [out[0] for out in s.outputs]
    nodes, const = s.reduce_nodes, s.const
    if not nodes or nodes[0]._op.name != "+":
        return None
    first = nodes[0]
    if first._a is b[0] and first._b is b[1]:
        start, nxt = None, 2
    elif first._a in const and first._b is b[0]:
        start, nxt = (const[first._a], "left"), 1
    elif first._b in const and first._a is b[0]:  # sum(losses) is 0 + loss_0, run as loss_0 + 0
        start, nxt = (const[first._b], "right"), 1
    else:
        return None
    total, k = first, 1
    while nxt < len(b):
        if k >= len(nodes) or nodes[k]._op.name != "+" or nodes[k]._a is not total or nodes[k]._b is not b[nxt]:
            return None
        total, k, nxt = nodes[k], k + 1, nxt + 1
    place = {total: ("total",)}
    tail = []
    for j, v in enumerate(nodes[k:]):
        refs = []
        for x in v._prev:
            if x in place:
                refs.append(place[x])
            elif x in const:
                refs.append(("c", const[x]))
            elif x in s.qindex:
                refs.append(("q", s.qindex[x]))
            elif x in s.index:
                refs.append(("p", s.index[x]))
            else:
                return None  # the tail reads a sample's value again
        place[v] = ("tail", j)
        tail.append((v._op, tuple(refs)))
    if s.root is not (nodes[-1] if tail else total):
        return None
    return start, tail


def same_fold(f1, m1, f2, m2):
    """One template for any batch size from the folds of batches of m1 and m2 samples:
    constants that differ become ('per_n', k) for k / n or ('times_n', k) for k * n."""
    if f1 is None or f2 is None or f1[0] != f2[0] or len(f1[1]) != len(f2[1]):
        return None
    tail = []
    for (op1, refs1), (op2, refs2) in zip(f1[1], f2[1]):
        if (op1.name, op1.arg) != (op2.name, op2.arg) or len(refs1) != len(refs2):
            return None
        refs = []
        for r1, r2 in zip(refs1, refs2):
            if r1 == r2:
                refs.append(r1)
            elif r1[0] == r2[0] == "c":
                refs.append(_size_constant(r1[1], m1, r2[1], m2))
                if refs[-1] is None:
                    return None
            else:
                return None
        tail.append((op1, tuple(refs)))
    return f1[0], tail


def _size_constant(c1, m1, c2, m2):
    k = c1 * m1
    if k / m1 == c1 and k / m2 == c2:
        return ("per_n", k)
    k = c1 / m1
    if k * m1 == c1 and k * m2 == c2:
        return ("times_n", k)
    return None


def build(template, s, n, needs):
    """The View of the reduction of `n` samples written from a template (`same_fold`).

    `needs`: whether the samples' outputs reach a parameter (then so do the sums)."""
    start, tail = template
    const = dict(s.const)
    with enable_grad():
        outs = [_value.Value(1.0) for _ in range(n)]
        if start is None:
            total, rest = outs[0] + outs[1], outs[2:]
        else:
            c = _value.Value(start[0])
            const[c] = start[0]
            total, rest = (c + outs[0] if start[1] == "left" else outs[0] + c), outs[1:]
        nodes = [total]
        for b in rest:
            total = total + b
            nodes.append(total)
        made = []
        for op, refs in tail:
            args = [_argument(r, total, made, s, n, const) for r in refs]
            out = _value._binary(op, *args) if len(args) == 2 else _value._unary(op, args[0])
            made.append(out)
        nodes += made
    requires = set(s.requires)
    if needs:
        requires.update(outs)
    for v in nodes:
        if any(x in requires for x in v._prev):
            requires.add(v)
    return View(nodes[-1], nodes, const, requires, {b: k for k, b in enumerate(outs)})


def _argument(ref, total, made, s, n, const):
    kind = ref[0]
    if kind == "total":
        return total
    if kind == "tail":
        return made[ref[1]]
    if kind == "q":
        return s.param_nodes[ref[1]]
    if kind == "p":
        return s.params[ref[1]]
    number = ref[1] if kind == "c" else ref[1] / n if kind == "per_n" else ref[1] * n
    leaf = _value.Value(number)
    const[leaf] = number
    return leaf
