"""Dot products in the loop form: `t = init + sum of u[i] * v[i]`, forward and backward as code.

Forward, `sum(map(mul, u, v), init)` runs the loop in C. Up to Python 3.11, `sum` adds
floats one by one from `init`, left to right, as the engine's chain of `+` does, so the
float is the same; from 3.12 on it adds them with a compensation term (a more exact sum,
but not the engine's), and the loop is written in Python instead.

Backward, d t / d u[i] = v[i] for every i at once: `g_u[i] += v[i] * g`. A relu that is
off sends back g = 0, and then every term is v[i] * 0 = 0, which changes no gradient
(they start at +0.0 and so are never -0.0, the one float that + 0.0 changes). That holds
for finite v[i] only; a dot product whose inputs are all finite is finite, so a finite
t with g = 0 is skipped: the floats are those of the full loop, with half the work.
"""
import math
import operator
import sys

from .codegen import line

PLAIN_SUM = sys.version_info < (3, 12)  # sum() of floats adds left to right, as `s += u * v`
NAMESPACE = {"mul": operator.mul, "isfinite": math.isfinite}  # what the lines below call


def forward_lines(item, texts):
    """`t[5] = sum(map(mul, P[0:4], x), P[4])` (or the loop it stands for)."""
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
    """g = d loss / d t; then g into init, and v[i] * g into u[i] (u[i] * g into v[i])."""
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
