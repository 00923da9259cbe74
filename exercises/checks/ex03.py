"""Checks of exercise 3: topological order on random, shared, deep and diamond-shaped graphs."""
import random
import sys

from autograd import topological_order as engine_order

from ._graphs import Twin, chain, diamonds, random_expression, reachable
from ._tools import Fail, case

TIMEOUT_HINT = ("an endless loop? Look at each `while` loop: does it always end? A graph walk "
                "must take a value off its stack at every step and visit each value once "
                "(keep a set of the values already seen).")

HINTS = {
    "RecursionError": "a recursive sort stops near depth 1,000 (Python's recursion limit). "
                      "Use a loop with your own stack instead of calling a function from itself.",
}


_LIMIT = sys.getrecursionlimit()  # read before the learner's file is imported


def _sorted(learner, node):
    order = learner.topological_order(node)
    if sys.getrecursionlimit() != _LIMIT:
        raise Fail(f"Python's recursion limit left at {_LIMIT}",
                   f"your code set it to {sys.getrecursionlimit()}",
                   "a higher limit only moves the crash deeper (or crashes Python itself): "
                   "walk the graph with a loop and your own stack instead")
    return order


def _inputs(node):
    return node.inputs


def check_order(order, root_twin, what):
    """Fail unless `order` lists the graph of `root_twin.n` as chainrule lists its twin."""
    root = root_twin.n
    if not isinstance(order, (list, tuple)):
        raise Fail(f"a list of values for {what}", f"a {type(order).__name__}",
                   "return the list you built")
    nodes = reachable(root, _inputs)
    expected = len(engine_order(root_twin.v))
    seen, place = set(), {}
    for i, node in enumerate(order):
        if id(node) not in nodes:
            raise Fail(f"only values of {what}", f"at position {i}: {node!r}, not in the graph")
        if id(node) in seen:
            raise Fail(f"each value of {what} once", f"{node!r} listed twice (again at position {i})",
                       "keep a set of the values already visited, and skip them")
        seen.add(id(node))
        place[id(node)] = i
    if len(order) != expected:
        raise Fail(f"{expected} value(s) for {what} (as chainrule's topological_order)",
                   f"{len(order)} value(s)", "every input of every value must be in the list, "
                   "leaves (values with no inputs) included")
    for node in order:
        for p in node.inputs:
            if place[id(p)] > place[id(node)]:
                raise Fail(f"each value after its inputs in {what}",
                           f"{node!r} at position {place[id(node)]}, before its input {p!r} "
                           f"at position {place[id(p)]}",
                           "append a value only once all of its inputs are in the list")
    if order[-1] is not root:
        raise Fail(f"the root last in {what}", f"{order[-1]!r} last")


def run(learner):
    def sort(node):
        return _sorted(learner, node)

    a = Twin.leaf(2.0, "a")
    case("a single value with no inputs: topological_order(a) == [a]")
    check_order(sort(a.n), a, "a lone leaf")
    b = Twin.leaf(-3.0, "b")
    ab = a * b
    c = ab + b
    ab.n.name, c.n.name = "a * b", "c"
    case("c = a * b + b: b is used twice")
    check_order(sort(c.n), c, "a * b + b")
    d = a + a
    d.n.name = "d"
    case("d = a + a: a is both inputs")
    check_order(sort(d.n), d, "a + a")
    rng = random.Random(3)
    for i in range(10):
        _, root, _ = random_expression(rng, n_leaves=3 + i % 3, n_ops=6 + i)
        case(f"random expression {i + 1} of 10 (shared values, + * tanh)")
        check_order(sort(root.n), root, "a random expression")
    _, deep = chain(2500)
    case("a chain 5,000 values deep: x, then x = x * c + d, 2,500 times")
    check_order(sort(deep.n), deep, "the deep chain")
    _, top = diamonds(40)
    case("40 stacked diamonds: y = x, then y = y + y 40 times (41 values, 2**40 paths)")
    check_order(sort(top.n), top, "the stacked diamonds")
