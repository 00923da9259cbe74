"""The primitive operations: each one's forward on floats and local derivatives, side by side.

An `Op`'s derivative rule is written once and works on floats (during `backward`) and on
`Value`s (for higher-order gradients, `grad(..., create_graph=True)`). Adding an op = one row
in the table at the end, one method on `Value`, one row in the tests' op table.
"""
from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

if TYPE_CHECKING:  # value.py imports this module
    from .value import Value


class Op:
    """A primitive: `name`, `forward(*floats) -> float`, `derivative(*inputs, out) -> tuple`.

    `derivative` returns d out / d input for each input; it gets floats during `backward`
    and `Value`s when a gradient must itself be differentiable.
    """

    __slots__ = ("name", "forward", "derivative", "arg")
    name: str
    forward: Callable[..., float]
    # Floats in, floats out during `backward`; Values in, Values out for `create_graph`.
    derivative: Callable[..., tuple[Any, ...]]
    arg: Optional[float]

    def __init__(self, name: str, forward: Callable[..., float], derivative: Callable[..., tuple[Any, ...]],
                 arg: Optional[float] = None) -> None:
        self.name, self.forward, self.derivative = name, forward, derivative
        self.arg = arg  # the constant of ops like x ** 3 or leaky_relu(x, 0.1), else None

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


# ----- numerically careful forward functions on floats ------------------------------------
# NaN goes through every op as NaN (as in PyTorch): a bad input shows up in the loss
# instead of being trained on silently. Comparisons with NaN are False, so each branch
# below is written so that NaN takes the path that keeps it.
def _num(x: float) -> str:
    """A number for a message: parenthesized when negative, so `(-8.0) ** 0.5` reads right."""
    text = repr(x)
    return f"({text})" if text.startswith("-") else text


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp({x!r}) overflows a float (the largest input is about 709.78)") from None


def _log(x: float) -> float:
    if x <= 0.0:
        raise ValueError(f"log({x!r}) is undefined: log needs a positive input")
    return math.log(x)  # log(nan) is nan


def _divide(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"division by zero: {_num(a)} / {_num(b)}")
    return a / b  # one rounding: the float Python gives (a * b ** -1 would round twice)


def _sigmoid(x: float) -> float:
    # Two branches so exp never overflows: exp(-|x|) is always <= 1.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|), finite for any x.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _power(a: float, b: float) -> float:
    if a < 0.0 and math.isfinite(b) and not b.is_integer() and a != -math.inf:  # Python: (-inf) ** 0.5 is inf
        raise ValueError(f"{_num(a)} ** {_num(b)} is not real: a negative base needs an integer exponent")
    if a == 0.0 and b < 0.0:
        raise ZeroDivisionError(f"{_num(a)} ** {_num(b)}: zero cannot be raised to a negative power")
    # x ** 0.5 is sqrt, correctly rounded as math.sqrt and torch's (pow is off by 1 ulp about
    # once in a thousand). Floats only: array backends call this too.
    if b.__class__ is float and b == 0.5 and a.__class__ is float and a >= 0.0:
        return math.sqrt(a)
    try:
        return a ** b  # type: ignore[no-any-return]  # real: the checks above rule out a complex result
    except OverflowError:
        raise OverflowError(f"{_num(a)} ** {_num(b)} overflows a float") from None


def _safe_power(x: Union[float, Value], e: Union[float, Value]) -> Union[float, Value]:
    """x ** e for the derivative rules: +inf at x == 0 for e < 0 (as PyTorch), +-inf past
    the float range. On Values (create_graph) the node x ** e makes, with that data too."""
    if not isinstance(x, float) or not isinstance(e, (float, int)):  # Values: differentiable
        try:
            return x ** e
        except (ZeroDivisionError, OverflowError):  # a first derivative is inf there, not an error
            return _limit_power_node(x, e)  # type: ignore[arg-type]  # x: a Value here
    if x == 0.0 and e < 0.0:  # -0.0 to an odd power keeps its sign, as in C's pow and PyTorch
        return -math.inf if math.copysign(1.0, x) < 0.0 and e % 2.0 == 1.0 else math.inf
    try:
        return x ** e  # type: ignore[no-any-return]  # real: forward refused a complex x ** n
    except OverflowError:
        return -math.inf if x < 0.0 and e % 2.0 == 1.0 else math.inf


def _limit_power_node(x: Value, e: Union[float, Value]) -> Value:
    """The node x ** e would be, holding `_safe_power`'s limit where x ** e raises, so that a
    second derivative is as infinite as the first (backward's), not an exception."""
    from .value import _node  # value.py imports this module
    xd, ed = x.data, float(e)
    out = float(_safe_power(xd, ed))
    if isinstance(e, float):
        op = _pow_op(e)
        return _node(out, op, x, None, op.derivative(xd, out)[0], 0.0)
    da, db = POW.derivative(xd, ed, out)
    return _node(out, POW, x, e, da, db)


def _power_base_derivative(a: Union[float, Value], b: Union[float, Value]) -> Union[float, Value]:
    """d(a ** b)/da = b * a ** (b - 1); 0 where b == 0: a ** 0 is 1 for every a, 0 and nan
    included (as PyTorch), where b * a ** -1 would give 0 * inf = nan at a == 0."""
    return 0.0 if float(b) == 0.0 else b * _safe_power(a, b - 1.0)


def _log_of_base(a: Union[float, Value]) -> Union[float, Value]:
    """log(a) for d(a**b)/db: 0 where a == 0 (out is 0 there), nan where a < 0, as PyTorch."""
    if float(a) > 0.0:
        return math.log(a) if a.__class__ is float else a.log()  # type: ignore[union-attr]  # else: a Value
    return 0.0 if float(a) == 0.0 else math.nan


def _sign(x: Union[float, Value]) -> float:
    x = float(x)
    return 1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0 if x == 0.0 else math.nan


def _step(x: Union[float, Value], below: float) -> float:
    """d/dx of relu-like ops: 1 above 0, `below` at or below 0 (relu'(0) taken as 0, as
    PyTorch), nan at nan. Compares a Value by its data, so it needs no float() first."""
    return 1.0 if x > 0.0 else below if x <= 0.0 else math.nan


def _maximum(a: float, b: float) -> float:
    # The larger input itself; nan if either is nan (as torch.maximum): both tests fail then.
    return a if a >= b else b if b > a else math.nan


def _max_derivative(a: Union[float, Value], b: Union[float, Value], out: object) -> tuple[float, float]:
    """(1, 0) if a >= b, (0, 1) if b > a, (nan, nan) with a nan. At a tie the first input
    takes the whole gradient, as a running maximum's first largest value (torch.maximum
    splits a tie 0.5 / 0.5). Compares Values by their data, so it needs no float() first."""
    return (1.0, 0.0) if a >= b else (0.0, 1.0) if b > a else (math.nan, math.nan)


_BCE_EPS = 9.999999960041972e-13  # PyTorch's 1e-12 in its BCE gradient, which is a float32


def _bce(p: float, t: float) -> float:
    """PyTorch's binary cross-entropy of one probability p and target t, each log clamped at
    -100: -t max(log p, -100) - (1 - t) max(log1p(-p), -100); nan in, nan out. (Summed in
    this order, a perfect prediction gives 0.0, as PyTorch's mean, not -0.0.)"""
    if not (0.0 <= p <= 1.0 and 0.0 <= t <= 1.0) and p == p and t == t:
        raise ValueError(f"binary_cross_entropy({p!r}, {t!r}): the input and target must be in [0, 1]")
    log_q = -100.0 if p == 1.0 else max(math.log1p(-p), -100.0)  # max(nan, -100) is nan
    log_p = -100.0 if p == 0.0 else max(math.log(p), -100.0)
    return -(t * log_p) - (1.0 - t) * log_q


def _bce_dp(p: float, t: float) -> float:
    """PyTorch's d/dp = (p - t) / max((1 - p) p, 1e-12), not the clamped loss's slope (0 or
    huge near 0 and 1). A nan q stays nan."""
    q = (1.0 - p) * p
    return (p - t) / (_BCE_EPS if q < _BCE_EPS else q)


def _bce_dt(p: float) -> float:
    """d/dt = -logit(p) = -log(p / (1 - p)), infinite at p = 0 and 1."""
    return math.inf if p == 0.0 else -math.inf if p == 1.0 else -math.log(p / (1.0 - p))


def _bce_derivative(p: Any, t: Any, out: object) -> tuple[Any, Any]:
    if p.__class__ is not float or t.__class__ is not float:  # Values (create_graph): Value ops
        return (p - t) / ((1.0 - p) * p).maximum(_BCE_EPS), -(p / (1.0 - p)).log()
    return _bce_dp(p, t), _bce_dt(p)


def _sigmoid_of(x: Union[float, Value]) -> Union[float, Value]:
    return _sigmoid(x) if x.__class__ is float else x.sigmoid()  # type: ignore[union-attr]  # else: a Value


# ----- the op table: forward and local derivatives together -------------------------------
ADD = Op("+", float.__add__, lambda a, b, out: (1.0, 1.0))
MUL = Op("*", float.__mul__, lambda a, b, out: (b, a))
DIV = Op("/", _divide, lambda a, b, out: (1.0 / b, -out / b))
POW = Op("**", _power, lambda a, b, out: (_power_base_derivative(a, b), out * _log_of_base(a)))
EXP = Op("exp", _exp, lambda x, out: (out,))
LOG = Op("log", _log, lambda x, out: (1.0 / x,))
TANH = Op("tanh", math.tanh, lambda x, out: (1.0 - out * out,))
SIGMOID = Op("sigmoid", _sigmoid, lambda x, out: (out * (1.0 - out),))
RELU = Op("relu", lambda x: 0.0 if x <= 0.0 else x, lambda x, out: (_step(x, 0.0),))
ABS = Op("abs", abs, lambda x, out: (_sign(x),))
SOFTPLUS = Op("softplus", _softplus, lambda x, out: (_sigmoid_of(x),))
MAX = Op("max", _maximum, _max_derivative)
BCE = Op("bce", _bce, _bce_derivative)  # as PyTorch's binary_cross_entropy, nn.binary_cross_entropy's term


@functools.lru_cache(maxsize=256)
def _pow_op(n: float) -> Op:
    """x ** n for a constant n; d/dx = n * x ** (n - 1)."""
    if n == 0.0:
        return Op("**0", lambda x: 1.0, lambda x, out: (0.0,), 0.0)
    return Op(f"**{n:g}", lambda x: _power(x, n), lambda x, out: (n * _safe_power(x, n - 1.0),), n)


@functools.lru_cache(maxsize=64)
def _leaky_relu_op(slope: float) -> Op:
    """x if x > 0 else slope * x; d/dx = 1 or slope."""
    return Op(
        "leaky_relu" if slope == 0.01 else f"leaky_relu({slope:g})",
        lambda x: x if x > 0.0 else slope * x,  # nan: slope * nan is nan
        lambda x, out: (_step(x, slope),),
        slope,
    )
