"""Dot products, `t = init + sum of u[i] * v[i]`, as code: a loop over lists, or one sum of names.

Array form (loops): `sum(map(mul, u, v), init)` runs the loop in C. Up to Python 3.11,
`sum` adds floats one by one from `init`, left to right, as the engine's chain of `+` does,
so the float is the same; from 3.12 on it adds them with a compensation term (a more exact
sum, but not the engine's), and the loop is written in Python instead. Named form: the
chain of nodes is one expression, `t = b + w0 * x0 + w1 * x1 + ...`, added left to right.

Backward, d t / d u[i] = v[i] for every i at once: `g_u[i] += v[i] * g`. A relu that is
off sends back g = 0, and then every term is v[i] * 0 = 0, which changes no gradient
(they start at +0.0 and so are never -0.0, the one float that + 0.0 changes). That holds
for finite v[i] only; a dot product whose inputs are all finite is finite, so a finite
t with g = 0 is skipped: the floats are those of the full loop, with half the work.
"""
import collections
import math
import operator
import sys

from . import codegen
from .codegen import accumulate, line
from .loops import MIN_TERMS

PLAIN_SUM = sys.version_info < (3, 12)  # sum() of floats adds left to right, as `s += u * v`
NAMESPACE = {"mul": operator.mul, "isfinite": math.isfinite}  # what the lines below call


def forward_lines(item, texts):
    """Array form: `t[5] = sum(map(mul, P[0:4], x), P[4])` (or the loop it stands for)."""
    t, init = texts.value(item.out), texts.value(item.init)
    u, v = texts.vector(item.u, item.n), texts.vector(item.v, item.n)
    if u and v and PLAIN_SUM:
        return [line(f"{t} = sum(map(mul, {u}, {v}), {init})", f"dot product of {item.n} terms")]
    out = [line(f"s = {init}", f"{t} = dot product of {item.n} terms")]
    if u and v:
        out += [f"for u, v in zip({u}, {v}):", "    s += u * v"]
    else:
        out += [f"for i in range({item.n}):", f"    s += {texts.value(item.u)} * {texts.value(item.v)}"]
    return out + [f"{t} = s"]


def backward_lines(item, texts):
    """Array form: g = d loss / d t; then g into init, v[i] * g into u[i], u[i] * g into v[i]."""
    if not item.needs[0]:
        return []
    t, init = texts.value(item.out), texts.value(item.init)
    u, v = texts.value(item.u), texts.value(item.v)
    lines = []
    if item.needs[1]:
        lines.append(f"{texts.grad(item.init)} += g")
    us, vs = texts.vector(item.u, item.n), texts.vector(item.v, item.n)
    for wanted, r, other, other_r in ((item.needs[2], item.u, vs, item.v), (item.needs[3], item.v, us, item.u)):
        if not wanted:
            continue
        grads = texts.vector(r, item.n, grad=True)
        if grads and other:  # d t / d u[i] = v[i], for every i at once
            lines.append(f"{grads} = [g_u + v * g for g_u, v in zip({grads}, {other})]")
        else:
            lines += [f"for i in range({item.n}):", f"    {texts.grad(r)} += {texts.value(other_r)} * g"]
    head = [line(f"g = {texts.grad(item.out)}", f"from {t} = {init} + sum of {u} * {v} over i"),
            line(f"if g or not isfinite({t}):", "g = 0 (say, a relu that is off): nothing to add")]
    return head + ["    " + x for x in lines] if lines else []


# ----- named form: a chain of `m = u * v; s = s + m` nodes of one sample -----------------------
Chain = collections.namedtuple("Chain", "init products last")  # last: the final sum


def find_chains(nodes, keep):
    """{final sum: Chain} for the dot products among a sample's `nodes` (in order): at least
    `MIN_TERMS` products, each read only by the next sum, no inner value in `keep`.

    >>> from autograd import Value
    >>> from autograd.graph import topological_order
    >>> w, x = [Value(0.5) for _ in range(4)], [Value(2.0) for _ in range(4)]
    >>> s = sum((a * b for a, b in zip(w, x)), Value(1.0))   # 1 + w0 * x0 + ... + w3 * x3
    >>> chains = find_chains(topological_order(s, leaves=False), keep=set())
    >>> [(len(c.products), c.last is s) for c in chains.values()]
    [(4, True)]
    """
    uses = collections.Counter(x for v in nodes for x in (v._a, v._b) if x is not None)
    out, k, n = {}, 0, len(nodes)
    while k < n:
        products, prev, j = [], None, k
        while j + 1 < n:
            m, a = nodes[j], nodes[j + 1]
            if m._op.name != "*" or a._op.name != "+" or a._b is not m or uses[m] != 1 or m in keep:
                break
            if prev is not None and (a._a is not prev or uses[prev] != 1 or prev in keep):
                break
            products.append(m)
            prev, j = a, j + 2
        if len(products) >= MIN_TERMS:
            out[prev] = Chain(nodes[k + 1]._a, products, prev)
            k = j
        else:
            k += 1
    return out


def named_forward(nodes, ref, picks, chains):
    """`forward_lines`, with each chain written as one sum: `t9 = b + w0 * x0 + w1 * x1 ...`
    (Python adds left to right, as the engine did)."""
    inner = {v for c in chains.values() for v in _inner(c)}
    out = []
    for v in nodes:
        if v in chains:
            c = chains[v]
            terms = [f"{ref(m._a)} * {ref(m._b)}" for m in c.products]
            out += _wrapped(ref(v), ref(c.init), terms, f"a dot product of {len(terms)} terms")
        elif v not in inner:
            out += codegen.forward_lines([v], ref, picks)
    return out


def named_backward(nodes, ref, gref, wants, accumulates, assigned, picks, chains):
    """`backward_lines`, with each chain's gradient `g` sent to its init and products at once
    (every inner sum passes g on unchanged), skipped when g = 0 where that adds nothing."""
    inner = {v for c in chains.values() for v in _inner(c)}
    out = []
    for v in reversed(nodes):
        if v in chains and v in assigned:
            out += _chain_backward(chains[v], ref, gref, wants, accumulates, assigned)
        elif v not in inner:
            out += codegen.backward_lines([v], ref, gref, wants, accumulates, assigned, picks)
    return out


def _inner(c):
    """A chain's values that only the chain reads: its products and all sums but the last."""
    sums, v = [], c.last
    for _ in c.products:
        v = v._a
        sums.append(v)
    return c.products + sums[:-1]  # sums[-1] is the init


def _chain_backward(c, ref, gref, wants, accumulates, assigned):
    t = ref(c.last)
    body = []
    for k in reversed(range(len(c.products))):
        m = c.products[k]
        if k == 0 and wants(c.init):
            body.append(accumulate(gref(c.init), "g", c.init, accumulates, assigned))
        for x, other in ((m._a, m._b), (m._b, m._a)):
            if wants(x):
                body.append(accumulate(gref(x), f"{ref(other)} * g", x, accumulates, assigned))
    head = [line(f"g = {gref(c.last)}", f"from {t} = {ref(c.init)} + sum of {len(c.products)} products")]
    if all(" += " in x for x in body):  # nothing assigned for the first time: may be skipped
        return head + [line(f"if g or not isfinite({t}):", "g = 0 (say, a relu that is off): nothing to add")] + \
            ["    " + x for x in body or ["pass"]]
    return head + body


def _wrapped(out, first, terms, comment, width=96):
    """`out = (first + t0 + t1 ...)` in lines of about `width` characters."""
    rows, row = [], f"{out} = {first}"
    for term in terms:
        if len(row) + len(term) + 3 > width:
            rows.append(row)
            row = "   "
        row += f" + {term}"
    rows.append(row)
    if len(rows) == 1:
        return [line(rows[0], comment)]
    return [line(rows[0].replace(" = ", " = (", 1), comment)] + rows[1:-1] + [rows[-1] + ")"]
