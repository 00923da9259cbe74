"""gradcheck: compare backward's gradients with central finite differences."""
from __future__ import annotations

import math
import numbers
from typing import Callable, Iterable, List, Union

from .grad_mode import no_grad
from .graph import grad
from .value import Value
from .value_checks import _as_float


class GradcheckError(AssertionError, RuntimeError):
    """Raised by `gradcheck` when an autograd gradient disagrees with the numeric one (a
    RuntimeError too, as PyTorch's GradcheckError, and an AssertionError, as in a test)."""


def numeric_grad(f: Callable[..., Union[Value, float]], inputs: Iterable[Union[float, Value]],
                 eps: float = 1e-6) -> List[float]:
    """Central differences (f(x + eps) - f(x - eps)) / (2 eps) for each input, in float64.

    >>> [round(g, 6) for g in numeric_grad(lambda x, y: x * y, [2.0, 3.0])]
    [3.0, 2.0]
    """
    xs = [_data(x) for x in inputs]
    result = []
    with no_grad():
        for i, x in enumerate(xs):
            plus, minus = list(xs), list(xs)
            plus[i], minus[i] = x + eps, x - eps
            f_plus = float(f(*map(Value, plus)))
            f_minus = float(f(*map(Value, minus)))
            result.append((f_plus - f_minus) / (2.0 * eps))
    return result


def gradcheck(f: Callable[..., Value], inputs: Iterable[Union[float, Value]], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-4, *, raise_exception: bool = True) -> bool:
    """Check that backward's gradients of `f(*inputs)` match central differences.

    `f` takes one `Value` per input and returns a `Value`; `inputs` are numbers or Values
    (only their data is used; nobody's `.grad` changes). Returns True, or raises
    `GradcheckError` naming the input that disagrees (returns False instead with
    `raise_exception=False`, as PyTorch's). rtol's default is stricter than PyTorch's 1e-3.

    >>> gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.2])
    True
    """
    if not callable(f):
        raise TypeError(f"gradcheck: f must be callable, got {type(f).__name__}")
    _tolerance("eps", eps, positive=True)
    _tolerance("atol", atol)
    _tolerance("rtol", rtol)
    if not isinstance(raise_exception, bool):
        raise TypeError(f"gradcheck: raise_exception must be True or False, got {raise_exception!r}")
    if isinstance(inputs, (Value, str)) or not hasattr(inputs, "__iter__"):
        raise TypeError(f"gradcheck: inputs must be a list of numbers or Values, got {type(inputs).__name__}")
    inputs = list(inputs)
    values = [Value(_data(x), getattr(x, "label", "")) for x in inputs]
    for i, v in enumerate(values):  # x + eps is x there: the differences would be nan, not a check
        if not math.isfinite(v.data):
            raise ValueError(f"gradcheck: input {i} is {v.data!r}; central differences need finite inputs")
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    analytic = grad(out, values)
    numeric = numeric_grad(f, values, eps)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        if not math.isclose(a, n, rel_tol=rtol, abs_tol=atol):
            if not raise_exception:
                return False
            name = f" ({values[i].label!r})" if values[i].label else ""
            raise GradcheckError(
                f"gradient of input {i}{name} at {values[i].data!r}: autograd gives {a!r}, "
                f"central differences give {n!r} (atol={atol}, rtol={rtol})"
            )
    return True


def _tolerance(name: str, x: object, positive: bool = False) -> None:
    """A finite real number >= 0 (> 0 with `positive`): an infinite tolerance passes anything."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"gradcheck: {name} must be a real number, got {type(x).__name__}")
    try:
        finite = math.isfinite(x)
    except OverflowError:  # an int past 1.8e308
        finite = False
    if not (finite and (x > 0 if positive else x >= 0)):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"gradcheck: {name} must be a finite number {bound}, got {x!r:.60}")


def _data(x: object) -> float:
    if isinstance(x, Value):
        return float(x.data)
    if isinstance(x, numbers.Real) and not isinstance(x, bool):  # NumPy's float32 and int64 too
        return _as_float(x, "gradcheck: an input")
    raise TypeError(f"gradcheck inputs must be numbers or Values, got {type(x).__name__}")
