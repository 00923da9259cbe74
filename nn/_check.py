"""Argument checks shared across `nn`: each raises an error that names the argument."""
from __future__ import annotations

import contextvars
import math
import numbers
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import TypeGuard

# The largest size (inputs, neurons, samples, classes, epochs, ...) any `nn` call accepts, and
# the most parameters a model may hold. A scalar engine spends about a microsecond per
# parameter per row; past these bounds a call would run for hours or exhaust memory, so it is
# refused up front rather than left to hang.
MAX_SIZE = 10 ** 6
MAX_PARAMETERS = 10 ** 7


def is_number(x: object) -> TypeGuard[numbers.Real]:
    """A finite real number that is not a bool."""
    if not isinstance(x, numbers.Real) or isinstance(x, bool):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:  # an int (or Fraction) past the float range: not a finite float
        return False


def number(x: object, what: str) -> float:
    """`x` as a plain float (numpy scalars too): TypeError unless it is a real number,
    ValueError if it is NaN or infinite (the right type, a wrong value)."""
    if not is_number(x):
        if isinstance(x, numbers.Real) and not isinstance(x, bool):
            raise ValueError(f"{what} must be a finite real number, got {short(x)}")
        raise TypeError(f"{what} must be a finite real number, got {type(x).__name__}: {short(x)}")
    return float(x)


def nonnegative(x: object, what: str) -> float:
    """`x` as a float; ValueError if it is negative."""
    value = number(x, what)
    if value < 0.0:
        raise ValueError(f"{what} must be >= 0, got {value!r}")
    return value


def positive_int(n: object, what: str, minimum: int = 1, maximum: int = MAX_SIZE) -> int:
    """`n` as an int; ValueError unless it is an int in [minimum, maximum] (the bound is stated)."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not minimum <= int(n) <= maximum:
        low = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise ValueError(f"{what} must be {low} and at most {maximum:,}, got {short(n)}")
    return int(n)


# Lower while `nn.load` builds a model: about as many as its file holds. A config edited to
# MLP(10**6, [10]) in a file of 300 bytes was built (10 million Values, minutes, gigabytes)
# before its 13 parameters were found not to fit.
loading_limit: contextvars.ContextVar[int] = contextvars.ContextVar("loading_limit", default=MAX_PARAMETERS)


def parameter_count(count: int, what: str) -> None:
    """ValueError if a model would hold more than MAX_PARAMETERS parameters."""
    limit = loading_limit.get()
    if count > limit:
        raise ValueError(f"{what} would hold {count:,} parameters; at most {limit:,} are allowed"
                         + ("" if limit == MAX_PARAMETERS else " while loading a file that holds fewer"))


def flag(x: object, what: str) -> bool:
    """`x` if it is a bool, else TypeError (so 'no' or 0.5 is not silently truthy)."""
    if not isinstance(x, bool):
        raise TypeError(f"{what} must be True or False, got {type(x).__name__}: {short(x)}")
    return x


def short(x: object, limit: int = 60) -> str:
    """repr(x), cut to `limit` characters (a 10**30 or a long list stays readable)."""
    try:
        text = repr(x)
    except Exception:  # a broken __repr__ must not hide the real error
        text = f"<{type(x).__name__}>"
    return text if len(text) <= limit else text[:limit - 3] + "..."
