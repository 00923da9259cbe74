"""Gradient clipping between `backward()` and `step()`, as torch.nn.utils: by norm or by value."""
from __future__ import annotations

import math
import numbers
from typing import Iterable, Optional, Union

from autograd import Value
from autograd.compiler.array_training import sync_open
from autograd.value_checks import _as_float, _is_real

from ._check import flag, nonnegative, short

Parameters = Union[Value, Iterable[Value]]


def clip_grad_norm_(parameters: Parameters, max_norm: float, norm_type: Union[float, str] = 2.0,
                    error_if_nonfinite: bool = False, foreach: Optional[bool] = None) -> float:
    """Scale every `.grad` by max_norm / (total_norm + 1e-6) when that is below 1, as PyTorch;
    total_norm is the `norm_type`-norm of all the gradients together (`inf`: the largest
    |grad|). Returns total_norm before clipping. A `.grad` of None is left alone; `foreach`
    is PyTorch's and changes nothing here.

    >>> p, q = Value(0.0), Value(0.0)
    >>> p.grad, q.grad = 3.0, 4.0
    >>> clip_grad_norm_([p, q], max_norm=1.0), round(p.grad, 6), round(q.grad, 6)
    (5.0, 0.6, 0.8)
    """
    params, grads = _grads(parameters, "clip_grad_norm_")
    max_norm = nonnegative(max_norm, "clip_grad_norm_: max_norm")
    p = _norm_type(norm_type)
    flag(error_if_nonfinite, "clip_grad_norm_: error_if_nonfinite")
    if not params:
        return 0.0
    # Scaled by the largest |grad|, so that no power overflows (PyTorch's sum of squares does past 1e154).
    largest = max(abs(g) for g in grads)
    if p == math.inf or largest == 0.0 or not math.isfinite(largest):
        total = largest if all(g == g for g in grads) else math.nan
    else:
        total = largest * math.fsum((abs(g) / largest) ** p for g in grads) ** (1.0 / p)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {p} of the gradients is {total}, so they "
                           "cannot be clipped; set error_if_nonfinite=False to clip anyway (as PyTorch)")
    coef = min(max_norm / (total + 1e-6), 1.0)  # PyTorch's: scales even when it is 1 (nan stays nan)
    for param, g in zip(params, grads):
        param.grad = g * coef
    return total


def clip_grad_value_(parameters: Parameters, clip_value: float, foreach: Optional[bool] = None) -> None:
    """Clamp every `.grad` to [-clip_value, clip_value], as PyTorch (NaN stays NaN).

    >>> p = Value(0.0); p.grad = -5.0
    >>> clip_grad_value_([p], 1.0); p.grad
    -1.0
    """
    params, grads = _grads(parameters, "clip_grad_value_")
    c = nonnegative(clip_value, "clip_grad_value_: clip_value")
    for param, g in zip(params, grads):
        param.grad = g if g != g else min(max(g, -c), c)


def _grads(parameters: Parameters, who: str) -> tuple[list[Value], list[float]]:
    """The Values that have a gradient and their gradients as floats, every one checked first."""
    if isinstance(parameters, Value):
        parameters = [parameters]
    if isinstance(parameters, (str, bytes)) or not hasattr(parameters, "__iter__"):
        hint = ": pass model.parameters()" if hasattr(parameters, "parameters") else ""
        raise TypeError(f"{who}: parameters must be a Value or an iterable of Values, "
                        f"got {type(parameters).__name__}{hint}")
    sync_open()  # inside a compiled training block: the gradients of its latest step, not stale ones
    params: list[Value] = []
    grads: list[float] = []
    for i, v in enumerate(parameters):
        if not isinstance(v, Value):
            raise TypeError(f"{who}: parameters[{i}] is a {type(v).__name__}, not a Value")
        g = v.grad
        if g is None:
            continue
        if not _is_real(g):
            raise TypeError(f"{who}: parameters[{i}].grad must be a number or None, got {type(g).__name__}: "
                            f"{short(g)}; nothing was changed")
        params.append(v)
        grads.append(_as_float(g, f"{who}: parameters[{i}].grad"))  # (10**400 named)
    return params, grads


def _norm_type(norm_type: object) -> float:
    if norm_type == "inf":
        return math.inf
    if isinstance(norm_type, bool) or not isinstance(norm_type, numbers.Real):
        raise TypeError(f"clip_grad_norm_: norm_type must be a number > 0 or 'inf', got {short(norm_type)}")
    p = float(norm_type)
    if not p > 0:  # (nan too)
        raise ValueError(f"clip_grad_norm_: norm_type must be a number > 0 or 'inf', got {norm_type!r}")
    return p
