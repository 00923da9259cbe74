"""`Value`: a scalar that remembers how it was made, and its operators and functions.

The primitives' maths (forward and local derivatives) is one table in `ops.py`; here each
Value method applies a row of it. Everything else (`-x`, `a - b`, `sqrt`, reflected forms)
is built from primitives, with no derivative code of its own.
"""
from __future__ import annotations  # the hints cost nothing at run time (hot paths below)

import numbers
import operator
from typing import Any, Callable, Optional, Union

from . import grad_mode
from .grad_mode import _mode
from .ops import (  # noqa: F401  (the op table, re-exported for code that reads it from here)
    ABS, ADD, DIV, EXP, LOG, MAX, MUL, POW, RELU, SIGMOID, SOFTPLUS, TANH, Op, _leaky_relu_op, _pow_op,
    _sigmoid,
)
from .tape import numbering, record
from .value_checks import _as_float, _bad_grad, _data_as_float, _leaf_with_bad_grad, _refuse, _too_large

_new = object.__new__  # makes a Value without __init__'s checks: see `_node`


def _ordering(compare: Callable[[float, float], bool]) -> Callable[[Value, Union[Value, float]], bool]:
    """A comparison method on `.data`, against a number or another Value."""
    def method(self: Value, other: Union[Value, float]) -> bool:
        if other.__class__ is Value:
            return compare(self.data, other.data)
        if isinstance(other, numbers.Real):
            return compare(self.data, other)
        return NotImplemented  # type: ignore[no-any-return]  # it becomes __lt__ etc., a dunder
    method.__name__ = f"__{compare.__name__}__"
    return method


class Value:
    """A scalar in a computation graph: `data`, `grad`, and the inputs it was made from.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b + b ** 2
    >>> c.backward()
    >>> a.grad, b.grad
    (-3.0, -4.0)
    """

    # One object per node, no __dict__, no tuples, no reference cycles: memory stays low
    # and Python's cyclic garbage collector has little to scan. Every op has at most two
    # inputs, `_a` and `_b`, with local derivatives `_da` = d self/d a and `_db` = d self/d b.
    # A leaf made by an op under `no_grad` keeps that op in `_op` (with no inputs), so
    # `backward` can tell it from an input or a parameter at no cost in memory.
    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "_da", "_db", "_seq", "_mark")
    data: float
    grad: Optional[float]  # None: "no gradient yet", as PyTorch
    label: str
    _op: Optional[Op]
    _a: Optional[Value]
    _b: Optional[Value]
    _da: float
    _db: float
    _seq: int  # a computed value's number, in creation order (tape.py); 0 for a leaf
    _mark: object  # which backward pass last took this value from the tape (graph.py)

    def __init__(self, data: float, label: str = "", **unexpected: object) -> None:
        if unexpected:
            _refuse("Value", unexpected)
        if data.__class__ is not float:
            data = _as_float(data, "Value(data)")
        if not isinstance(label, str):
            raise TypeError(f"Value(label=...) must be a str, got {type(label).__name__}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._op = None  # the Op that made this node; None for a leaf
        self._a = self._b = None
        self._da = self._db = 0.0
        self._seq = 0
        self._mark = None

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The input Values, in argument order (empty for a leaf)."""
        a, b = self._a, self._b
        if a is None:
            return ()
        return (a,) if b is None else (a, b)

    @property
    def _local(self) -> tuple[float, ...]:
        """d self / d input for each input in `_prev`, as floats."""
        return (self._da, self._db)[:len(self._prev)]

    # ----- what a user reads -------------------------------------------------------------
    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        data = self.data
        return data if data.__class__ is float else _data_as_float(self, "float(v)")

    def __int__(self) -> int:
        """The data truncated to an int, as `int(tensor)` (inf and NaN raise, as for a float).

        >>> int(Value(2.7)), int(Value(-2.7))
        (2, -2)
        """
        return int(float(self))

    def __round__(self, ndigits: Optional[int] = None) -> Union[int, float]:
        """The data rounded, as `round()` rounds a float: `round(loss, 4)` for printing.

        >>> round(Value(2.567), 2), round(Value(2.5))
        (2.57, 2)
        """
        return round(float(self), ndigits)

    def __format__(self, spec: str) -> str:
        """With a format spec, the data formatted (as a 0-d PyTorch tensor); without, the repr.

        >>> f"{Value(0.123456):.3f}"
        '0.123'
        """
        return format(self.data, spec) if spec else repr(self)

    def __bool__(self) -> bool:
        """False for 0.0, as `bool(torch.tensor(0.0))` and `bool(0.0)` (NaN is True).

        >>> bool(Value(0.0)), bool(Value(-2.5))
        (False, True)
        """
        return self.data != 0.0

    def item(self) -> float:
        """The data as a Python float, as PyTorch's `tensor.item()`.

        >>> Value(2.5).item()
        2.5
        """
        data = self.data
        return data if data.__class__ is float else _data_as_float(self, "v.item()")

    # ----- comparisons: ordering by data, as a 0-d PyTorch tensor -----------------------
    # `<`, `<=`, `>`, `>=` compare `.data` with a number or another Value and return a bool,
    # so `max(values)` and `sorted(values)` give back the Values themselves (and backward
    # flows through the chosen one). `==` between two Values is identity, so lists, sets and
    # dicts of Values (hashed by identity) never mix up two that hold the same number;
    # `==` against a number raises instead of silently answering False.
    __lt__ = _ordering(operator.lt)
    __le__ = _ordering(operator.le)
    __gt__ = _ordering(operator.gt)
    __ge__ = _ordering(operator.ge)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is Value:
            return self is other
        if isinstance(other, numbers.Number):
            raise TypeError(
                f"Value == {other!r} is ambiguous: compare the data, v.data == {other!r} (or "
                "v.item()); == between two Values means `is`, so Values work in lists and sets")
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if other.__class__ is Value:
            return self is not other
        if isinstance(other, numbers.Number):
            raise TypeError(
                f"Value != {other!r} is ambiguous: compare the data, v.data != {other!r} (or "
                "v.item()); != between two Values means `is not`")
        return NotImplemented

    __hash__ = object.__hash__

    @property
    def is_leaf(self) -> bool:
        """True for inputs and parameters: values not computed from other values."""
        return self._a is None

    @property
    def op(self) -> str:
        """Name of the operation that made this value ('' for a leaf)."""
        return self._op.name if self._a is not None and self._op is not None else ""

    def backward(self, grad: float = 1.0, **unexpected: object) -> None:
        """Backpropagate from this value: fill `.grad` of every value it depends on.

        Leaves accumulate (like PyTorch); interior values show the latest pass only.

        >>> x = Value(3.0); y = x * x; y.backward(); x.grad
        6.0
        """
        if unexpected:
            _refuse("backward", unexpected)
        from .graph import backward
        # `.grad` is a plain attribute (a check on every write would slow every step), and the
        # chain rule adds to a leaf's .grad as it finds it: checked here for the root, and
        # named below if the pass fails on another leaf's (one that is no number, a Value
        # included, is refused when the pass reaches it).
        if self._a is None:
            why = _bad_grad(self, "backward(): this leaf's .grad")
            if why:
                raise TypeError(why)
        try:
            backward(self, grad)
        except (TypeError, OverflowError) as e:
            why = _leaf_with_bad_grad(self)
            if why is None:
                raise
            raise TypeError(f"backward(): {why}. The gradients this pass had added before it "
                            "stopped stay: zero them before the next backward") from e

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Set this value's `.grad` to 0, or to None ("no gradient yet") as PyTorch can.

        `backward` treats a `.grad` of None as 0, so `x.grad = None` works too.

        >>> x = Value(2.0); x.zero_grad(set_to_none=True); (x * 3).backward(); x.grad
        3.0
        """
        self.grad = None if set_to_none else 0.0

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickling or copying: a computed value becomes a leaf with its data, grad and label
        (its graph holds the ops' functions; PyTorch pickles a result without its graph too)."""
        if self._op is None:
            return object.__reduce_ex__(self, protocol)
        return _restored, (self.data, self.grad, self.label)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from the graph."""
        return Value(self.data, self.label)

    # ----- primitives (forward and derivative are in the Op table below) ----------------
    # + and * make nearly every node of a network, so they skip the generic `_binary`
    # and inline their rows of the op table (ADD, MUL): same forward, same derivative;
    # they also make the node in place, as `_node` below does (the call was 8% of a step).
    def __add__(self, other: Union[Value, float]) -> Value:
        """a + b;  d/da = 1, d/db = 1"""
        if other.__class__ is not Value:
            other = _wrap(other)
            if other is NotImplemented:
                return NotImplemented
        if grad_mode.all_enabled or _mode.enabled:
            node = _new(Value)  # _node(self.data + other.data, ADD, self, other, 1.0, 1.0), inlined
            node.data = self.data + other.data
            node.grad = 0.0
            node.label = ""
            node._op = ADD
            node._a = self
            node._b = other
            node._da = 1.0
            node._db = 1.0
            node._seq = next(numbering)
            node._mark = None
            record(node)
            return node
        return _leaf(self.data + other.data, ADD)

    def __mul__(self, other: Union[Value, float]) -> Value:
        """a * b;  d/da = b, d/db = a"""
        if other.__class__ is not Value:
            other = _wrap(other)
            if other is NotImplemented:
                return NotImplemented
        if grad_mode.all_enabled or _mode.enabled:
            node = _new(Value)  # _node(self.data * other.data, MUL, self, other, other.data, self.data)
            node.data = self.data * other.data
            node.grad = 0.0
            node.label = ""
            node._op = MUL
            node._a = self
            node._b = other
            node._da = other.data
            node._db = self.data
            node._seq = next(numbering)
            node._mark = None
            record(node)
            return node
        return _leaf(self.data * other.data, MUL)

    def __pow__(self, exponent: Union[Value, float]) -> Value:
        """x ** n (number n): d/dx = n x**(n-1);  x ** y (Value y): d/dy = x**y ln x"""
        if exponent.__class__ is Value:
            return _binary(POW, self, exponent)
        if not isinstance(exponent, numbers.Real):
            return NotImplemented
        try:
            n = float(exponent)
        except OverflowError:  # an int past 1.8e308
            raise _too_large(exponent, "v ** n: the exponent") from None
        return _unary(_pow_op(n), self)

    def exp(self) -> Value:
        """e**x;  d/dx = e**x"""
        return _unary(EXP, self)

    def log(self) -> Value:
        """natural log, x > 0;  d/dx = 1/x"""
        return _unary(LOG, self)

    def tanh(self) -> Value:
        """tanh(x);  d/dx = 1 - tanh(x)**2"""
        return _unary(TANH, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e**-x), without overflow;  d/dx = s (1 - s)"""
        return _unary(SIGMOID, self)

    def relu(self) -> Value:
        """max(x, 0);  d/dx = 1 if x > 0 else 0"""
        return _unary(RELU, self)

    def abs(self) -> Value:
        """|x|;  d/dx = sign(x)"""
        return _unary(ABS, self)

    def softplus(self) -> Value:
        """log(1 + e**x), without overflow;  d/dx = sigmoid(x)"""
        return _unary(SOFTPLUS, self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """x if x > 0 else slope * x;  d/dx = 1 or slope"""
        return _unary(_leaky_relu_op(_as_float(negative_slope, "negative_slope")), self)

    def maximum(self, other: Union[Value, float]) -> Value:
        """The larger of self and other (nan if either is), as `torch.maximum`;
        d/da = 1, d/db = 0 if a >= b, else 0 and 1: at a tie, self takes the gradient
        (torch.maximum splits it 0.5 / 0.5).

        >>> a, b = Value(2.0), Value(5.0)
        >>> m = a.maximum(b); m.backward(); m.data, a.grad, b.grad
        (5.0, 0.0, 1.0)
        >>> Value(-1.0).maximum(0).data
        0.0
        """
        out = _binary(MAX, self, other)
        if out is NotImplemented:
            raise TypeError(f"Value.maximum: other must be a Value or a real number, "
                            f"got {type(other).__name__}: {other!r}")
        return out

    # ----- derived: built from primitives, no derivative code of their own --------------
    def __neg__(self) -> Value:
        """-x = x * -1"""
        return self * -1.0

    def __sub__(self, other: Union[Value, float]) -> Value:
        """a - b = a + (-b)"""
        other = _wrap(other)
        return NotImplemented if other is NotImplemented else self + (-other)

    def __truediv__(self, other: Union[Value, float]) -> Value:
        """a / b, rounded once as Python's (a * b**-1 rounds twice);  d/da = 1/b, d/db = -a/b**2"""
        return _binary(DIV, self, other)

    # b + a and b * a are a + b and a * b, exactly (IEEE addition and multiplication commute).
    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other: Union[Value, float]) -> Value:
        other = _wrap(other)
        return NotImplemented if other is NotImplemented else other - self

    def __rtruediv__(self, other: Union[Value, float]) -> Value:
        other = _wrap(other)
        return NotImplemented if other is NotImplemented else other / self

    def __rpow__(self, base: Union[Value, float]) -> Value:
        base = _wrap(base)
        return NotImplemented if base is NotImplemented else base ** self

    def __abs__(self) -> Value:
        return self.abs()

    def sqrt(self) -> Value:
        """sqrt(x) = x ** 0.5"""
        return self ** 0.5


# ----- the forward pass of each op, wrapped so errors name the op and the input ----------
def _unary(op: Op, x: Value) -> Value:
    xd = x.data
    out = op.forward(xd)
    if grad_mode.all_enabled or _mode.enabled:
        (d,) = op.derivative(xd, out)
        return _node(out, op, x, None, d, 0.0)
    return _leaf(out, op)


def _binary(op: Op, a: Value, b: Union[Value, float]) -> Value:
    if b.__class__ is not Value:
        b = _wrap(b)
        if b is NotImplemented:
            return NotImplemented  # type: ignore[no-any-return]  # for the dunder that called
    ad, bd = a.data, b.data
    out = op.forward(ad, bd)
    if grad_mode.all_enabled or _mode.enabled:
        da, db = op.derivative(ad, bd, out)
        return _node(out, op, a, b, da, db)
    return _leaf(out, op)


def _node(data: float, op: Optional[Op], a: Optional[Value], b: Optional[Value], da: float, db: float
          ) -> Value:
    """A computed value, numbered and recorded on the tape (tape.py) for backward."""
    # Skips Value.__init__'s checks (`data` is already a float): creating nodes is the
    # engine's hottest path, and this is measurably faster than calling Value(...).
    node: Value = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node._op = op
    node._a = a
    node._b = b
    node._da = da
    node._db = db
    node._seq = next(numbering)
    node._mark = None
    record(node)
    return node


def _leaf(data: float, op: Optional[Op] = None) -> Value:
    """A value with no inputs: a constant, or (with `op`) the result of `op` under no_grad."""
    node: Value = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node._op = op
    node._a = node._b = None
    node._da = node._db = 0.0
    node._seq = 0
    node._mark = None
    return node


def _restored(data: float, grad: Optional[float], label: str) -> Value:
    """A pickled computed value, back as a leaf (see `Value.__reduce_ex__`)."""
    value = Value(data, label)
    value.grad = grad
    return value


def _wrap(x: object) -> Value:
    """A Value as is; a real number as a new constant leaf; anything else NotImplemented."""
    if x.__class__ is Value:
        return x
    if x.__class__ is float:  # the common constants first: isinstance on an ABC is slow
        return _leaf(x)
    if x.__class__ is int or isinstance(x, numbers.Real):
        try:
            return _leaf(float(x))
        except OverflowError:
            raise _too_large(x, "a number combined with a Value") from None
    return NotImplemented  # type: ignore[no-any-return]  # for the dunder that called
