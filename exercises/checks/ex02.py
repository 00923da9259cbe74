"""Checks of exercise 2: the learner's Value computes as chainrule's and records its graph."""
import random

from autograd import Value as Engine

from ._graphs import gradients
from ._tools import Fail, case, expect_all_close, expect_close, expect_value, grad_of, show

HINTS = {
    "AttributeError": "was a plain number used as a Value? Wrap numbers first: "
                      "`other = other if isinstance(other, Value) else Value(other)`.",
    "TypeError": "Python could not combine the two: is a number wrapped into a Value first, "
                 "and do __radd__ / __rmul__ exist?",
}


def _inputs(v):
    return v.inputs


def _locals(v):
    return v.local_grads


def _made(learner, c, what):
    expect_value(c, learner.Value, what)
    for attr in ("data", "grad", "inputs", "local_grads"):
        if not hasattr(c, attr):
            raise Fail(f"{what} to have .{attr}", f"a Value without .{attr}",
                       "make the result with Value(data, inputs, local_grads)")
    if not isinstance(c.inputs, tuple) or not isinstance(c.local_grads, tuple):
        raise Fail(f"{what}.inputs and .local_grads to be tuples",
                   f"{type(c.inputs).__name__} and {type(c.local_grads).__name__}")


def _untouched(v, data, name):
    if v.data != data or v.grad != 0.0 or v.inputs != ():
        raise Fail(f"{name} unchanged (data {show(data)}, grad 0.0, no inputs)",
                   f"data {show(v.data)}, grad {show(v.grad)}, {len(v.inputs)} input(s)",
                   "an operation makes a new Value; it never changes its operands")


def _binary(learner, op, x, y):
    V = learner.Value
    a, b = V(x), V(y)
    c = a + b if op == "+" else a * b
    what = f"a {op} b"
    _made(learner, c, what)
    expect_close(c.data, x + y if op == "+" else x * y, f"({what}).data")
    if len(c.inputs) != 2 or c.inputs[0] is not a or c.inputs[1] is not b:
        raise Fail(f"({what}).inputs = (a, b): both Values, in argument order",
                   f"{len(c.inputs)} input(s): {show(c.inputs)}",
                   "store the operands themselves, in a tuple (self, other)")
    local = (1.0, 1.0) if op == "+" else (y, x)
    expect_all_close(c.local_grads, local, f"({what}).local_grads",
                     "for a * b: d/da is b and d/db is a" if op == "*" else "")
    _untouched(a, x, "a")
    _untouched(b, y, "b")


def _same_twice(learner, op, x):
    a = learner.Value(x)
    c = a + a if op == "+" else a * a
    _made(learner, c, f"a {op} a")
    if len(c.inputs) != 2 or c.inputs[0] is not a or c.inputs[1] is not a:
        raise Fail(f"(a {op} a).inputs = (a, a): a recorded twice", f"{len(c.inputs)} input(s)",
                   "keep inputs in a tuple, not a set: a set keeps a only once, and the "
                   "gradient of a + a would come out 1 instead of 2")
    expect_all_close(c.local_grads, (1.0, 1.0) if op == "+" else (x, x), f"(a {op} a).local_grads")


def _with_number(learner, form, x, k):
    a = learner.Value(x)
    c = {"a + k": lambda: a + k, "k + a": lambda: k + a,
         "a * k": lambda: a * k, "k * a": lambda: k * a}[form]()
    what = form.replace("k", show(k))
    _made(learner, c, what)
    expect_close(c.data, x + k if "+" in form else x * k, f"({what}).data")
    wrapped = all(isinstance(i, learner.Value) for i in c.inputs)
    if len(c.inputs) != 2 or not any(i is a for i in c.inputs) or not wrapped:
        raise Fail(f"({what}).inputs: a, and the number wrapped as a Value",
                   show(c.inputs), "wrap the number: Value(k)")
    grads = gradients(c, _inputs, _locals)
    expect_close(grads[id(a)], 1.0 if "+" in form else k, f"d({what})/da")


def _random(learner, rng):
    """Apply the same random operations to the learner's Values and chainrule's."""
    n = 4
    xs = [round(rng.uniform(-2, 2), 2) for _ in range(n)]
    mine, ref = [learner.Value(x) for x in xs], [Engine(x) for x in xs]
    steps = []
    for _ in range(10):
        i, j = rng.randrange(len(mine)), rng.randrange(len(mine))
        k = round(rng.uniform(-2, 2), 1)
        op = rng.choice(["a+b", "a*b", "a-b", "-a", "a+k", "k*a", "k+a", "a*k"])
        apply = {"a+b": lambda a, b: a + b, "a*b": lambda a, b: a * b, "a-b": lambda a, b: a - b,
                 "-a": lambda a, b: -a, "a+k": lambda a, b: a + k, "k*a": lambda a, b: k * a,
                 "k+a": lambda a, b: k + a, "a*k": lambda a, b: a * k}[op]
        formula = op.replace("a", f"v{i}").replace("b", f"v{j}").replace("k", show(k))
        steps.append(f"v{len(mine)} = {formula}")
        case(f"a random expression, values v0..v3 = {show(xs)}: " + "; ".join(steps))
        out = apply(mine[i], mine[j])
        _made(learner, out, steps[-1].split(" = ")[1])
        mine.append(out)
        ref.append(apply(ref[i], ref[j]))
        expect_close(out.data, ref[-1].data, f"v{len(mine) - 1}.data", rel=1e-9)
    ref[-1].backward()
    grads = gradients(mine[-1], _inputs, _locals)
    for i in range(n):
        expect_close(grads.get(id(mine[i]), 0.0), grad_of(ref[i]), f"d v{len(mine) - 1} / d v{i}",
                     "the recorded inputs or local_grads of some operation are not right", rel=1e-9)


def run(learner):
    case("the class Value exists, Value(2.0) works")
    if not hasattr(learner, "Value"):
        raise Fail("a class named Value", "no Value in the file")
    for op in "+*":
        case(f"c = a {op} b with a = Value(2.0), b = Value(-3.0)")
        _binary(learner, op, 2.0, -3.0)
        case(f"c = a {op} a with a = Value(3.0): a used twice")
        _same_twice(learner, op, 3.0)
    for form in ("a + k", "a * k", "k + a", "k * a"):
        case(f"{form.replace('k', '2.5')} with a = Value(-1.5): a plain number on one side")
        _with_number(learner, form, -1.5, 2.5)
    case("-a with a = Value(1.5)")
    a = learner.Value(1.5)
    c = -a
    _made(learner, c, "-a")
    expect_close(c.data, -1.5, "(-a).data")
    expect_close(gradients(c, _inputs, _locals).get(id(a), 0.0), -1.0, "d(-a)/da")
    case("a - b with a = Value(1.5), b = Value(4.0)")
    a, b = learner.Value(1.5), learner.Value(4.0)
    c = a - b
    _made(learner, c, "a - b")
    expect_close(c.data, -2.5, "(a - b).data")
    grads = gradients(c, _inputs, _locals)
    expect_all_close([grads.get(id(a), 0.0), grads.get(id(b), 0.0)], [1.0, -1.0],
                     "the gradients (d/da, d/db) of a - b")
    rng = random.Random(7)
    for _ in range(8):
        _random(learner, rng)
