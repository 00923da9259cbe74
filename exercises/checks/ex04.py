"""Checks of exercise 4: the learner's backward gives chainrule's gradients everywhere."""
import random

from ._graphs import Twin, chain, forward_walk, gradients, random_expression
from ._tools import Fail, case, close, grad_of, number, show

TIMEOUT_HINT = ("does your backward loop end? Take the order once from topological_order and "
                "loop over it (reversed); never add to the list you are looping over.")

HINTS = {
    "RecursionError": "something in backward recurses: a loop over the topological order "
                      "never needs to call a function from itself.",
}


def _hint_for(leaf, expected, got):
    if expected != 0 and abs(got - expected / 2) <= 1e-9 * abs(expected):
        return (f"{leaf} got half its gradient: it is used twice, so it must collect a share "
                "from each use. Use `+=`, not `=`.")
    if expected != 0 and abs(got + expected) <= 1e-9 * abs(expected):
        return "off by a sign: the chain rule multiplies, d root/d u += (dv/du) * (d root/d v)."
    return ""


def _expected(twins, root, calls=1):
    """{id(node): gradient}: leaves from chainrule's backward (called `calls` times, so they
    accumulate), intermediate values from one pass of the chain rule over the same graph."""
    for t in twins:
        t.v.grad = 0.0
    for _ in range(calls):
        root.v.backward()
    one_pass = gradients(root.n, _inputs, _locals)
    return {id(t.n): grad_of(t.v) if not t.n.inputs else one_pass.get(id(t.n), 0.0)
            for t in twins}


def _run_one(learner, twins, root, what):
    expected = _expected(twins, root)
    learner.backward(root.n)
    for t in twins:
        got = number(t.n.grad, _label(t))
        want = expected[id(t.n)]
        if not close(got, want, 1e-9, 1e-9):
            hint = _hint_for(t.n.name or "this value", want, got)
            if not hint and root.n.grad == 0:
                hint = ("the root's own .grad is 0, so every product of the chain rule is 0: set "
                        "root.grad = 1.0 (d root / d root = 1) after resetting, before the loop.")
            forwards = forward_walk(root.n, _inputs, _locals)
            if not hint and all(close(number(u.n.grad, _label(u)), forwards[id(u.n)], 1e-9, 1e-9)
                                for u in twins):
                hint = ("the loop walks the order forwards: a value passes its gradient on before "
                        "it has received all of it. Walk it backwards: for v in reversed(order).")
            raise Fail(f"{_label(t)} = {show(want)} ({what})", show(got), hint)


def _label(twin):
    if twin.n.name:
        return f"{twin.n.name}.grad"
    return f"the .grad of the intermediate value {show(twin.n.data)}"


def _inputs(node):
    return node.inputs


def _locals(node):
    return node.local_grads


def run(learner):
    a, b = Twin.leaf(2.0, "a"), Twin.leaf(-3.0, "b")
    c = a * b
    case("c = a * b with a = 2.0, b = -3.0; backward(c)")
    _run_one(learner, [a, b, c], c, "dc/da = b, dc/db = a")
    a = Twin.leaf(3.0, "a")
    d = a * a
    case("d = a * a with a = 3.0; backward(d)")
    _run_one(learner, [a, d], d, "dd/da = 2a")
    a, b = Twin.leaf(2.0, "a"), Twin.leaf(-3.0, "b")
    ab = a * b
    e = ab + b
    case("e = a * b + b with a = 2.0, b = -3.0: b is used twice; backward(e)")
    _run_one(learner, [a, b, ab, e], e, "de/da = b, de/db = a + 1")
    rng = random.Random(4)
    for i in range(8):
        _, root, made = random_expression(rng, n_leaves=3, n_ops=5 + i)
        case(f"random expression {i + 1} of 8 (values reused, + * tanh); backward(root)")
        _run_one(learner, made + [root], root, "a random expression")
    x, top = chain(2500)
    case("a chain 5,000 values deep: x, then x = x * c + d, 2,500 times; backward(top)")
    _run_one(learner, [x, top], top, "the deep chain")
    a, b = Twin.leaf(1.5, "a"), Twin.leaf(-0.5, "b")
    mid = (a * b).tanh()
    top = mid * a + b
    twins = [a, b, mid, top]
    case("f = tanh(a * b) * a + b; backward(f) called twice: leaves hold twice the gradient, "
         "the intermediate tanh(a * b) the gradient of one call")
    expected = _expected(twins, top, calls=2)
    learner.backward(top.n)
    learner.backward(top.n)
    for t in twins:
        label = _label(t) if t is not mid else "tanh(a * b).grad"
        want = expected[id(t.n)]
        if not close(number(t.n.grad, label), want, 1e-9, 1e-9):
            raise Fail(f"{label} = {show(want)} after two calls", show(t.n.grad),
                       "leaves accumulate across calls; values with inputs restart from 0 at "
                       "each call (reset them before the loop), or the second call counts the "
                       "first one's gradients again")
    for t in twins:
        if t.n.data != t.v.data:
            raise Fail("backward to leave .data alone", f"{t.n.name or 'a value'}.data changed "
                       f"from {t.v.data!r} to {t.n.data!r}", "backward only writes .grad")
