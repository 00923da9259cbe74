"""Argument checks shared across `nn`: each raises an error that names the argument."""
import math
import numbers


def is_number(x):
    """A finite real number that is not a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


def number(x, what):
    """`x` as a float; TypeError unless it is a finite number."""
    if not is_number(x):
        raise TypeError(f"{what} must be a finite number, got {x!r}")
    return float(x)


def nonnegative(x, what):
    """`x` as a float; ValueError if it is negative."""
    x = number(x, what)
    if x < 0.0:
        raise ValueError(f"{what} must be >= 0, got {x!r}")
    return x


def positive_int(n, what, minimum=1):
    """`n` as an int; ValueError unless it is an int >= minimum (1 unless told)."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < minimum:
        raise ValueError(f"{what} must be {'a positive int' if minimum == 1 else f'an int >= {minimum}'}, got {n!r}")
    return int(n)
