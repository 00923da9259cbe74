"""Checks of exercise 2: the learner's Value computes as chainrule's and records its graph."""
import random
import traceback

from autograd import Value as Engine

from ._graphs import gradients
from ._tools import Fail, case, expect_all_close, expect_close, expect_value, grad_of, show

TIMEOUT_HINT = ("an operation that never returns? Each one wraps a number at most once, makes "
                "one new Value and returns it: look for a loop in the method of the case above.")

HINTS = {
    "AttributeError": "was a plain number used as a Value? Wrap numbers first: "
                      "`other = other if isinstance(other, Value) else Value(other)`.",
    "TypeError": "Python could not combine the two: is a number wrapped into a Value first?",
    "RecursionError": "a method that calls itself, without end: for `2.5 + a` Python calls "
                      "a.__radd__(2.5), and `other + self` in it asks for __radd__ again. "
                      "Put the Value first: `self + other` (and `self * other` in __rmul__).",
}


def _inputs(v):
    return v.inputs


def _locals(v):
    return v.local_grads


_SET_HINT = ("keep inputs in a tuple, not a set: a set keeps a only once (the gradient of "
             "a + a would come out 1 instead of 2), and its order changes from run to run")

# Which method Python calls for each form (a missing one is a TypeError outside the learner's file).
_METHOD = {"a + b": "__add__", "a * b": "__mul__", "a + k": "__add__", "a * k": "__mul__",
           "k + a": "__radd__", "k * a": "__rmul__", "-a": "__neg__", "a - b": "__sub__"}


def _spy_on_sets(value_class):
    """Note each Value made from a set of inputs (its __init__ may turn the set into a tuple)."""
    made_from_sets = []
    init = value_class.__init__

    def spy(self, *args, **kwargs):
        if any(isinstance(x, (set, frozenset)) for x in (*args, *kwargs.values())):
            made_from_sets.append(self)
        init(self, *args, **kwargs)

    try:
        value_class.__init__ = spy
    except (TypeError, AttributeError):  # a class that refuses: the other checks still run
        pass
    return made_from_sets


def _operate(learner, form, what, apply):
    """`apply()`, or Fail naming the method Python lacked (a TypeError outside the learner's file)."""
    try:
        return apply()
    except TypeError as e:
        if _from_learner(e, learner):
            raise
        method = _METHOD[form]
        left = ", where the number is on the left" if form.startswith("k") else ""
        raise Fail(f"{what} to give a Value", f"TypeError: {e}",
                   f"write `{method}`: Python calls it for `{what}`{left}") from None


def _from_learner(error, learner):
    here = getattr(learner, "__file__", None)
    frames = [frame.f_code.co_filename for frame, _ in traceback.walk_tb(error.__traceback__)]
    return here is not None and here in frames


def _made(learner, c, what, sets=()):
    expect_value(c, learner.Value, what)
    for attr in ("data", "grad", "inputs", "local_grads"):
        if not hasattr(c, attr):
            raise Fail(f"{what} to have .{attr}", f"a Value without .{attr}",
                       "make the result with Value(data, inputs, local_grads)")
    if isinstance(c.inputs, (set, frozenset)) or any(s is c for s in sets):
        kept = isinstance(c.inputs, (set, frozenset))
        raise Fail(f"({what}).inputs in a tuple, in argument order",
                   f"a {type(c.inputs).__name__} of inputs" if kept else
                   "a set passed to Value(...)", _SET_HINT)
    if not isinstance(c.inputs, tuple) or not isinstance(c.local_grads, tuple):
        raise Fail(f"{what}.inputs and .local_grads to be tuples",
                   f"{type(c.inputs).__name__} and {type(c.local_grads).__name__}")


def _untouched(c, v, data, name, what):
    if v.data != data or v.grad != 0.0 or v.inputs != ():
        method = "__mul__" if "*" in what else "__add__"
        raise Fail(f"{name} unchanged by {what} (data {show(data)}, grad 0.0, no inputs)",
                   f"data {show(v.data)}, grad {show(v.grad)}, {len(v.inputs)} input(s)",
                   f"your `{method}` changed {name}" + (" and returned it" if c is v else "")
                   + ": an operation makes a new Value and never changes its operands")


def _binary(learner, op, x, y, sets):
    V = learner.Value
    a, b = V(x), V(y)
    what = f"a {op} b"
    c = _operate(learner, what, what, lambda: a + b if op == "+" else a * b)
    _made(learner, c, what, sets)
    _untouched(c, a, x, "a", what)
    _untouched(c, b, y, "b", what)
    expect_close(c.data, x + y if op == "+" else x * y, f"({what}).data")
    if len(c.inputs) != 2 or c.inputs[0] is not a or c.inputs[1] is not b:
        swapped = len(c.inputs) == 2 and c.inputs[0] is b and c.inputs[1] is a
        raise Fail(f"({what}).inputs = (a, b): both Values, in argument order",
                   f"{len(c.inputs)} input(s): {show(c.inputs)}"
                   + (" (b first)" if swapped else ""),
                   "store the operands themselves, in argument order: a tuple (self, other)")
    local = (1.0, 1.0) if op == "+" else (y, x)
    expect_all_close(c.local_grads, local, f"({what}).local_grads",
                     "for a * b: d/da is b and d/db is a" if op == "*" else "")


def _same_twice(learner, op, x, sets):
    a = learner.Value(x)
    what = f"a {op} a"
    c = _operate(learner, f"a {op} b", what, lambda: a + a if op == "+" else a * a)
    _made(learner, c, what, sets)
    _untouched(c, a, x, "a", what)
    if len(c.inputs) != 2 or c.inputs[0] is not a or c.inputs[1] is not a:
        raise Fail(f"({what}).inputs = (a, a): a recorded twice", f"{len(c.inputs)} input(s)",
                   _SET_HINT)
    expect_all_close(c.local_grads, (1.0, 1.0) if op == "+" else (x, x), f"({what}).local_grads")


def _with_number(learner, form, x, k):
    a = learner.Value(x)
    what = form.replace("k", show(k))
    c = _operate(learner, form, what, {"a + k": lambda: a + k, "k + a": lambda: k + a,
                                       "a * k": lambda: a * k, "k * a": lambda: k * a}[form])
    _made(learner, c, what)
    expect_close(c.data, x + k if "+" in form else x * k, f"({what}).data")
    wrapped = all(isinstance(i, learner.Value) for i in c.inputs)
    if len(c.inputs) != 2 or not any(i is a for i in c.inputs) or not wrapped:
        raise Fail(f"({what}).inputs: a, and the number wrapped as a Value",
                   show(c.inputs), "wrap the number: Value(k)")
    grads = gradients(c, _inputs, _locals)
    expect_close(grads[id(a)], 1.0 if "+" in form else k, f"d({what})/da")


def _negative(learner, x):
    a = learner.Value(x)
    c = _operate(learner, "-a", "-a", lambda: -a)
    _made(learner, c, "-a")
    expect_close(c.data, -x, "(-a).data")
    grad = gradients(c, _inputs, _locals).get(id(a), 0.0)
    hint = ("-a made as a new Value(-self.data) has no inputs: it cuts the graph, and no "
            "gradient reaches a. Build it from *: `self * -1`.") if grad == 0.0 else ""
    expect_close(grad, -1.0, "d(-a)/da", hint)


def _difference(learner, x, y):
    a, b = learner.Value(x), learner.Value(y)
    c = _operate(learner, "a - b", "a - b", lambda: a - b)
    _made(learner, c, "a - b")
    hint = ""
    if c.data == x + y:
        hint = "that is a + b: subtract by adding the negative, self + (-other)."
    elif c.data == y - x:
        hint = "that is b - a: a - b is self + (-other), in that order."
    expect_close(c.data, x - y, "(a - b).data", hint)
    grads = gradients(c, _inputs, _locals)
    got = [grads.get(id(a), 0.0), grads.get(id(b), 0.0)]
    hint = "build a - b from + and -: self + (-other), so that the graph records both inputs"
    if got == [0.0, 0.0]:
        hint = "a - b made from the numbers (.data) cuts the graph: " + hint
    expect_all_close(got, [1.0, -1.0], "the gradients (d/da, d/db) of a - b", hint)


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
    sets = _spy_on_sets(learner.Value)
    for op in "+*":  # a used twice first: a set of inputs always fails here, and the same way
        case(f"c = a {op} a with a = Value(3.0): a used twice")
        _same_twice(learner, op, 3.0, sets)
        case(f"c = a {op} b with a = Value(2.0), b = Value(-3.0)")
        _binary(learner, op, 2.0, -3.0, sets)
    for form in ("a + k", "a * k", "k + a", "k * a"):
        case(f"{form.replace('k', '2.5')} with a = Value(-1.5): a plain number on one side")
        _with_number(learner, form, -1.5, 2.5)
    case("-a with a = Value(1.5)")
    _negative(learner, 1.5)
    case("a - b with a = Value(1.5), b = Value(4.0)")
    _difference(learner, 1.5, 4.0)
    rng = random.Random(7)
    for _ in range(8):
        _random(learner, rng)
