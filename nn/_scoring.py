"""Scoring outputs against targets: class targets, labels, correctness, argmax and the loss as a float."""
from __future__ import annotations

import numbers
from math import isnan
from typing import Any, Optional, Sequence, Union

from autograd import Value

from ._check import short


def _data(out: Any) -> Union[float, list[float]]:
    return [float(v) for v in out] if isinstance(out, (list, tuple)) else float(out)


def _class_targets(y: Sequence[Any], n: int, who: str) -> list[int]:
    """Each target as the class index it names, for a model with `n` outputs: an index as it
    is, a one-hot (or probability) row of `n` numbers as the index of its largest entry.
    Anything else is refused: it could never match, and accuracy would be 0 without a word."""
    classes = []
    for i, t in enumerate(y):
        index: Optional[float] = None
        if hasattr(t, "__len__") and not isinstance(t, str) and len(t) == n:
            row = [_number(v) for v in t]
            numbers_only = [v for v in row if v is not None and v == v]
            # NaN, or no largest entry (all equal, all zeros): the row names no class
            if len(numbers_only) == n and min(numbers_only) < max(numbers_only):
                index = float(numbers_only.index(max(numbers_only)))
        elif not isinstance(t, bool):
            index = _number(t)
        if index is None or not (index.is_integer() and 0 <= index < n):
            raise ValueError(f"{who}: y[{i}] = {t!r} is no class of a model with {n} outputs: give a class "
                             f"index 0..{n - 1} or a row of {n} numbers (one-hot)")
        classes.append(int(index))
    return classes


def _loss_value(loss: Any, who: str) -> float:
    """What a loss returned, as a float: a Value or a number (a user's loss may return anything)."""
    if isinstance(loss, bool) or not isinstance(loss, (Value, numbers.Real)):
        raise TypeError(f"{who}: loss must return a Value, got {type(loss).__name__}: {short(loss)}")
    return float(loss)


def _labels(y: Sequence[Any], who: str) -> None:
    """A single output's targets, each a number, compared with the threshold: a str or a row
    failed inside the comparison, and NaN counted as the negative class without a word."""
    for i, t in enumerate(y):
        value = _number(t)
        if value is None or value != value:
            raise ValueError(f"{who}: y[{i}] = {t!r} is no label for a model with one output: "
                             "give 0/1 or -1/+1 (or a number, compared with the threshold)")


def _number(x: Any) -> Optional[float]:
    """A real number as a float (NaN included), anything else None."""
    if isinstance(x, Value):
        return x.data
    return float(x) if isinstance(x, numbers.Real) else None


def _is_correct(out: Union[float, list[float]], target: float, threshold: Optional[float]) -> bool:
    """A NaN output is never right (`NaN > threshold` is False: it scored as the negative class)."""
    if isinstance(out, list):
        return not any(map(isnan, out)) and out.index(max(out)) == target
    return out == out and (out > threshold) == (target > 0)  # type: ignore[operator]  # None: evaluate returned before


def _argmax(out: list[float]) -> int:
    """The index of the largest output, a NaN's first (as `torch.argmax`; `max` let it depend on where it was)."""
    if any(map(isnan, out)):
        return list(map(isnan, out)).index(True)
    return out.index(max(out))
