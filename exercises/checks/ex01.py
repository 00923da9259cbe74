"""Checks of exercise 1: each local derivative vs central differences and chainrule's backward()."""
import math
import random

from autograd import Value

from ._tools import (Fail, case, close, grad_of, number, numbers_of, precision, rounded,
                     show)

TIMEOUT_HINT = ("a derivative that never returns? Each one is a formula of x (or a and b): "
                "no loop is needed. Look for a `while` loop in the function of the case above.")

HINTS = {
    "OverflowError": "math.exp of a large number overflows. For x < 0 compute sigmoid(x) as "
                     "exp(x) / (1 + exp(x)), which only takes exp of a negative number.",
    "ZeroDivisionError": "a derivative divided by zero: which inputs make your formula divide by 0?",
}


def _sigmoid(x):
    return Value(x).sigmoid().data


# name, forward on floats (None: built by _forward), input points
def _table(rng):
    def uniform(lo, hi, k=6):
        return [round(rng.uniform(lo, hi), 3) for _ in range(k)]

    pairs = [(a, b) for a, b in zip(uniform(-3, 3), uniform(-3, 3))]
    powers = [(x, n) for n in (2.0, 3.0, -1.0) for x in uniform(-2, 2, 2)] \
        + [(x, n) for n in (0.5, -2.5, 1.0) for x in uniform(0.2, 3, 2)]
    return [
        ("add", lambda a, b: a + b, pairs),
        ("mul", lambda a, b: a * b, pairs),
        ("power", None, powers),
        ("exp", math.exp, [(x,) for x in uniform(-3, 3) + [0.0]]),
        ("log", math.log, [(x,) for x in uniform(0.05, 5) + [1.0]]),
        ("tanh", math.tanh, [(x,) for x in uniform(-3, 3) + [0.0]]),
        ("sigmoid", _sigmoid, [(x,) for x in uniform(-6, 6) + [0.0]]),
        ("relu", lambda x: max(x, 0.0), [(x,) for x in uniform(-3, 3) if x != 0.0]),
    ]


# Edge cases: central differences do not apply, chainrule's convention decides.
_EDGES = {
    "sigmoid": [(800.0,), (-800.0,), (-40.0,)],
    "relu": [(0.0,)],
}


def _engine(op, args):
    xs = [Value(a) for a in args]
    if op == "power":
        out = xs[0] ** args[1]
        xs = xs[:1]
    elif op in ("add", "mul"):
        out = xs[0] + xs[1] if op == "add" else xs[0] * xs[1]
    else:
        out = getattr(xs[0], op)()
    out.backward()
    return [grad_of(x) for x in xs]


def _central(f, args, i):
    h = 1e-6 * max(1.0, abs(args[i]))
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def _forward(op, f):
    if op == "power":
        return lambda x, n: x ** n
    return f


def _call(learner, op, args, call):
    got = getattr(learner, op)(*args)
    if op in ("add", "mul"):
        return numbers_of(got, 2, f"{call}'s result (d/da, d/db)")
    return [number(got, f"{call}'s result (d/dx)")]


def run(learner):
    rng = random.Random(2024)
    for op, f, points in _table(rng):
        forward = _forward(op, f)
        names = ("d/da", "d/db") if op in ("add", "mul") else ("d/dx",)
        for args in points + _EDGES.get(op, []):
            args = list(args)
            call = f"{op}({', '.join(show(a) for a in args)})"
            case(f"{call}: the local derivative {' and '.join(names)}")
            exact = _engine(op, args)
            got = _call(learner, op, args, call)
            smooth = tuple(args) not in _EDGES.get(op, [])
            for i, name in enumerate(names):
                numeric = _central(forward, args, i) if smooth else None
                if close(got[i], exact[i], 1e-7, 1e-12) and (
                        numeric is None or close(got[i], numeric, 1e-5, 1e-7)):
                    continue
                raise Fail(*_expected_got(name, exact[i], numeric, got[i]),
                           _hint(op, args, got, exact, i, forward))


def _expected_got(name, exact, numeric, got):
    """The texts of `expected` and `got`, every number at the same precision."""
    if not all(math.isfinite(x) for x in (exact, got)):
        return f"{name} = {show(exact)}", show(got)
    digits = precision(exact, got)
    where = f" (central differences give {rounded(numeric, digits)})" if numeric is not None else ""
    return f"{name} = {rounded(exact, digits)}{where}", rounded(got, digits)


def _hint(op, args, got, exact, i, forward):
    if exact[i] != 0 and close(got[i], -exact[i], 1e-7, 1e-12):
        return "off by a sign: check the sign of each term of your formula."
    if op == "mul" and close(got[0], exact[1]) and close(got[1], exact[0]):
        return "d(a*b)/da and d(a*b)/db are swapped: d/da is the other input, b."
    value = forward(*args)
    if close(got[i], value, 1e-7, 1e-12) and not close(exact[i], value, 1e-7, 1e-12):
        name = {"add": "a + b", "mul": "a * b", "power": "x ** n"}.get(op, f"{op}(x)")
        return (f"that is {name} itself, the operation's result, not its derivative: how much "
                "does the result move when the input moves a little?")
    if op == "relu" and args[0] == 0.0:
        return "at exactly 0 relu has no derivative; take 0 (as PyTorch): use x > 0, not x >= 0."
    if op == "sigmoid" and abs(args[0]) > 100:
        return "far from 0, sigmoid is flat: its derivative is (almost) 0, and must not be NaN."
    if op == "power":
        return "the power rule: d(x**n)/dx = n * x**(n - 1)."
    if op in ("tanh", "sigmoid"):
        return f"write {op}' with {op}(x) itself (compute {op}(x) first, then the derivative)."
    return ""
