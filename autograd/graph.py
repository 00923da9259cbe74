"""Backpropagation: apply the chain rule to the values newest first (reverse creation order).

Creation order is a topological order: a value is made after its inputs. `backward` reads it
off the tape (tape.py) for values made since the last pass, and finds older values by
searching the graph, then sorting them by their creation numbers.
"""
from __future__ import annotations

import operator
from typing import Iterable, Literal, Optional, Union, overload

from . import grad_mode, tape
from .value import Value
from .value_checks import _as_float, _is_real, _leaf_start


def topological_order(root: Value, leaves: bool = True) -> list[Value]:
    """Every value `root` depends on, each after all of its inputs; `root` comes last.

    Iterative depth-first search, so a graph of any depth works (no recursion limit).
    With `leaves=False` only computed values are listed (what backward has to visit).

    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); y = x * x; y.label = "y"
    >>> [v.label for v in topological_order(y)]
    ['x', 'y']
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order() needs a Value, got {type(root).__name__}")
    if not isinstance(leaves, bool):  # leaves="no" would be truthy
        raise TypeError(f"topological_order(leaves=...) must be True or False, got {leaves!r}")
    return _depth_first(root, leaves)


def _depth_first(root: Value, leaves: bool) -> list[Value]:
    """`topological_order`'s walk: depth first, each value placed once all its inputs are."""
    order: list[Value]
    seen: set[Value]
    order, seen = [], set()
    stack: list[Optional[Value]] = [root]
    pop, push, visit = stack.pop, stack.append, seen.add
    while stack:
        node = pop()
        if node is None:  # marker: every input of the node below it is placed
            order.append(pop())  # type: ignore[arg-type]  # below a marker: its node
        elif node._a is None:  # a leaf: no inputs to place first
            if leaves and node not in seen:
                visit(node)
                order.append(node)
        elif node not in seen:
            visit(node)
            push(node)
            push(None)
            # Pushed b, then a: inputs are visited in argument order.
            if node._b is not None:
                push(node._b)
            push(node._a)
    return order


def backward(root: Value, grad: float = 1.0) -> None:
    """Fill `.grad` of every value `root` depends on with d root / d value.

    Leaves (inputs, parameters) accumulate into `.grad` across calls, as in PyTorch (a
    `.grad` of None counts as 0); interior values are reset first, so they show this pass only.
    Values are visited newest first (reverse creation order), as PyTorch's engine does.
    """
    seed = _seed(grad)
    _check_recorded(root, "backward()")
    with tape.lock:  # one pass at a time: a pass marks the values it took as its own
        recorded, on_tape, reached = tape.take(), object(), object()
        if not _stamp(recorded, on_tape):  # threads took turns between numbering and recording
            recorded.sort(key=creation)  # so that every route adds up in the same order
        if root._mark is on_tape:  # made since the last pass: run down the tape
            root.grad = 0.0 + seed
            root._mark = reached
            earlier = _chain_rule(reversed(recorded), on_tape, reached)
            if earlier:  # it reached values made before the last pass: search for their graph
                _search_and_chain(earlier)
        else:  # an older graph (a second backward, or from a value made before the last pass)
            _search_and_chain({root: seed})


def _stamp(recorded: list[Value], on_tape: object) -> bool:
    """Mark each value as taken by this pass; True if they are in creation order."""
    # One loop for both: a separate check of the order (a list of the numbers, sorted and
    # compared) took twice as long as the marking itself.
    last, in_order = 0, True
    for node in recorded:
        node._mark = on_tape
        number = node._seq
        if number < last:
            in_order = False
        last = number
    return in_order


def _chain_rule(recorded: Iterable[Value], on_tape: object, reached: object) -> dict[Value, float]:
    """The chain rule down the tape, newest value first: each input's gradient gains
    (d node / d input) * (d root / d node). A value on the tape starts from 0 when first
    reached; values never reached are left alone (they belong to other graphs).
    Returns what reached values from before the last pass received, to search from."""
    earlier: dict[Value, float] = {}
    for node in recorded:
        if node._mark is not reached:  # root does not depend on this value
            continue
        # Every .grad on this path is a float: the root's was set, and each value reached
        # was given one before its turn came. A computed value has an input `_a`.
        g: float = node.grad  # type: ignore[assignment]
        a: Value = node._a  # type: ignore[assignment]
        # Input a, then input b: written out twice, as a loop over the pair costs a third more.
        d = node._da * g
        mark = a._mark
        if mark is reached:
            a.grad += d  # type: ignore[operator]
        elif mark is on_tape:  # reached for the first time: its gradient so far is this term
            a.grad = 0.0 + d
            a._mark = reached
        elif a._a is None:  # a leaf: accumulates (None: "no gradient yet")
            held = a.grad
            a.grad = (held if held.__class__ is float else _leaf_start(held)) + d
        else:
            earlier[a] = earlier.get(a, 0.0) + d
        b = node._b
        if b is not None:
            d = node._db * g
            mark = b._mark
            if mark is reached:
                b.grad += d  # type: ignore[operator]
            elif mark is on_tape:
                b.grad = 0.0 + d
                b._mark = reached
            elif b._a is None:
                held = b.grad
                b.grad = (held if held.__class__ is float else _leaf_start(held)) + d
            else:
                earlier[b] = earlier.get(b, 0.0) + d
    return earlier


def _search_and_chain(seeds: dict[Value, float]) -> None:
    """Backward from several values at once, each with its seed, by searching their graph."""
    order = _reached(list(seeds))  # it also zeroes the .grad of every value it lists
    for node, seed in seeds.items():
        node.grad += seed  # type: ignore[operator]  # a float now: the search set it
    # The chain rule: each input's gradient gains (d node / d input) * (d root / d node).
    for node in reversed(order):
        g = node.grad
        # A computed node has `_a`, and every .grad here was set to a float by the search.
        node._a.grad += node._da * g  # type: ignore[union-attr, operator]
        if node._b is not None:
            node._b.grad += node._db * g  # type: ignore[operator]


def _reached(roots: list[Value]) -> list[Value]:
    """The computed values `roots` depend on (themselves included), oldest first. On the way
    it sets each one's `.grad` to 0 (interior values show this pass only), and a leaf's None
    ("no gradient yet") to 0, so that it can accumulate.

    The 0 it writes is an object made for this search alone, so `.grad is zero` also means
    "already found": no `seen` set to hash every value into. A value holds that object only
    until the chain rule adds to its gradient (which gives a plain float).
    """
    zero = _Placed()  # a float subclass: its identity is its own on every Python
    found: list[Value] = []
    stack = list(roots)  # iterative: no recursion limit, however deep the graph
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if node._a is None:  # a leaf: nothing to search behind it
            if node.grad.__class__ is not float:
                node.grad = _leaf_start(node.grad)
        elif node.grad is not zero:
            node.grad = zero
            found.append(node)
            push(node._a)
            if node._b is not None:
                push(node._b)
    found.sort(key=creation)  # the tape's order: sums round as they would on the tape
    return found


creation = operator.attrgetter("_seq")  # a computed value's number, in creation order


class _Placed(float):
    """0.0, as the marker of one search (see `_reached`). An instance of a
    subclass, not a plain float: some Pythons (PyPy) compare plain floats by value in `is`."""

    __slots__ = ()


def _check_recorded(v: Value, what: str) -> None:
    if v._a is None and v._op is not None:
        raise RuntimeError(
            f"{what}: this value was computed under no_grad(), so no graph was recorded and "
            "there is nothing to differentiate (as in PyTorch). Compute it outside no_grad(), "
            "or call .detach() first if you mean it as a new leaf.")


@overload
def grad(output: Value, inputs: Union[Value, Iterable[Value]], create_graph: Literal[False] = False
         ) -> tuple[float, ...]: ...
@overload
def grad(output: Value, inputs: Union[Value, Iterable[Value]], create_graph: Literal[True]) -> tuple[Value, ...]: ...
@overload
def grad(output: Value, inputs: Union[Value, Iterable[Value]], create_graph: bool
         ) -> tuple[Union[float, Value], ...]: ...


def grad(output: Value, inputs: Union[Value, Iterable[Value]], create_graph: bool = False
         ) -> tuple[Union[float, Value], ...]:
    """d output / d input for each of `inputs`, as a tuple; `.grad` is left untouched.

    With `create_graph=True` the gradients are `Value`s that can be differentiated again.

    >>> from autograd import Value
    >>> x = Value(3.0)
    >>> (dy,) = grad(x ** 3, [x], create_graph=True)
    >>> dy.data, grad(dy, [x])[0]
    (27.0, 18.0)
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() needs a Value as output, got {type(output).__name__}")
    if not isinstance(inputs, Value) and not hasattr(inputs, "__iter__"):
        raise TypeError(f"grad() inputs must be a Value or a list of Values, got {type(inputs).__name__}")
    if not isinstance(create_graph, bool):  # create_graph="no" would be truthy
        raise TypeError(f"grad(create_graph=...) must be True or False, got {create_graph!r}")
    inputs = [inputs] if isinstance(inputs, Value) else list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad() inputs must be Values; input {i} is {type(x).__name__}")
    _check_recorded(output, "grad()")
    order = topological_order(output)
    order.sort(key=creation)  # backward's order (newest first, below): sums round as its do
    with grad_mode.enable_grad() if create_graph else grad_mode.no_grad():
        grads: dict[Value, Union[float, Value]] = {output: Value(1.0) if create_graph else 1.0}
        for node in reversed(order):
            g = grads.get(node)
            if g is None or not node._prev:
                continue
            # For a differentiable result, recompute each local derivative as a Value.
            local = (node._op.derivative(*node._prev, node)  # type: ignore[union-attr]  # it has inputs: an op
                     if create_graph else node._local)
            for parent, d in zip(node._prev, local):
                contribution = d * g
                previous = grads.get(parent)
                grads[parent] = contribution if previous is None else previous + contribution
        zero = Value(0.0) if create_graph else 0.0
        result = tuple(grads.get(x, zero) for x in inputs)
    tape.forget()  # as backward() takes it: code that only calls grad() keeps no graph alive
    return result


def _seed(grad: float) -> float:
    # A bool is refused, as explain() refuses it: `backward(True)` is a slip for an option.
    if not _is_real(grad):
        raise TypeError(f"backward(grad=...) must be a real number, got {type(grad).__name__}")
    return _as_float(grad, "backward(grad=...)")  # an int past 1.8e308 is named
