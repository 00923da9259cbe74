"""What `Value` says when it is given the wrong thing: the checks on numbers, keywords and
`.grad`/`.data` set by hand, and their messages (the operations themselves are in value.py)."""
from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Optional

from . import value as _value  # a module, not its names: value.py imports this one

if TYPE_CHECKING:
    from .value import Value


# PyTorch's keywords that have no counterpart here (or another name), with what to do instead.
_PYTORCH_KEYWORDS = {
    "requires_grad": "every Value records its graph (use no_grad() or .detach() for constants)",
    "dtype": "every Value holds a Python float (float64)",
    "gradient": "the seed is called grad here: backward(grad=...)",
    "retain_graph": "the graph is kept anyway: backward() can run again (leaf grads add up)",
    "create_graph": "for gradients that are Values use autograd.grad(..., create_graph=True)",
    "inputs": "backward() fills the .grad of every leaf; for some of them only, autograd.grad(output, inputs)",
}


def _refuse(what: str, unexpected: dict[str, object]) -> None:
    name = next(iter(unexpected))
    hint = _PYTORCH_KEYWORDS.get(name)
    raise TypeError(f"{what}() got an unexpected keyword argument {name!r}"
                    + (f": {hint}" if hint else ""))


def _is_real(x: object) -> bool:
    """A real number for `.data`, `.grad` or a seed: not a bool (a slip for an option) and not a
    Value (whose number is its `.data`)."""
    return not isinstance(x, (bool, _value.Value)) and isinstance(x, numbers.Real)


def _as_float(x: object, what: str) -> float:
    if isinstance(x, _value.Value):
        raise TypeError(f"{what} must be a real number, got a Value; use value.data or value itself")
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {type(x).__name__}: {x!r}")
    try:
        return float(x)
    except OverflowError:  # an int or Fraction past 1.8e308
        raise _too_large(x, what) from None


def _bad_grad(v: Value, whose: str) -> Optional[str]:
    """Why `v.grad` cannot be added to (None if it can: a float, another real number, or None)."""
    g = v.grad
    if g.__class__ is float or g is None:
        return None
    if _is_real(g):
        try:
            float(g)
            return None
        except OverflowError:
            pass
    return (f"{whose} must be a float or None, got {type(g).__name__}: {g!r:.60}; "
            "reset it with v.zero_grad() (or v.grad = 0.0)")


def _leaf_start(held: object) -> float:
    """What a leaf's gradient adds to when its `.grad` is not a float: 0 for None ("no
    gradient yet"), a real number as it is. Anything else is refused before it is added to
    (a Value there would silently turn the gradient into a graph)."""
    if held is None:
        return 0.0
    if not _is_real(held):
        raise TypeError(f"a leaf's .grad is {type(held).__name__}, not a number")  # named by Value.backward
    return held  # type: ignore[return-value]  # an int, a NumPy float: adds as it is


def _leaf_with_bad_grad(root: Value) -> Optional[str]:
    """After a backward pass failed: why, if a leaf's .grad was not a number to add to."""
    from .graph import topological_order  # graph.py imports this module
    for v in topological_order(root):
        if v._a is None:
            why = _bad_grad(v, f"the .grad of leaf {v.label!r}" if v.label else "the .grad of a leaf")
            if why:
                return why
    return None


def _data_as_float(v: Value, what: str) -> float:
    """`v.data` as a float, for code that assigned `.data` something else (an int, a NumPy
    scalar): `.data` is a plain attribute, unchecked, since every operation reads it."""
    data = v.data
    if not _is_real(data):
        raise TypeError(f"{what}: v.data must be a float, got {type(data).__name__}: {data!r:.60}; "
                        "assign a number (v.data = 0.5)")
    return _as_float(data, f"{what}: v.data")


def _too_large(x: object, what: str) -> OverflowError:
    text = repr(x)
    text = text if len(text) <= 30 else f"{text[:20]}... ({len(text)} characters)"
    return OverflowError(f"{what}: {text} is too large for a float (at most about 1.8e308)")
