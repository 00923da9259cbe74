"""How a loss reads what it is given: predictions and targets paired up (one, a batch, nested
lists, NumPy rows), each checked with a message naming the loss, and the terms reduced."""
from __future__ import annotations

import numbers
from typing import Any, Iterable, Iterator, Union

from autograd import Value


def _pairs(input: object, target: object, who: str) -> Iterator[tuple[Value, Any]]:
    """[(Value, target)] for one prediction or a batch (nested lists are flattened)."""
    target = _listed(target)
    if isinstance(input, (list, tuple)) != isinstance(target, (list, tuple)):
        raise ValueError(f"{who}: input and target must be one prediction and one target, "
                         "or two lists of the same length")
    xs: list[object] = []
    ts: list[Any] = []
    _flatten(input, target, xs, ts, who)
    if not xs:
        raise ValueError(f"{who}: the batch is empty (input and target hold nothing)")
    return zip(_as_values(xs, who), ts)


def _listed(target: Any) -> Any:
    """Targets in a NumPy (or PyTorch) array as a list of numbers, as a list would give them."""
    return target.tolist() if hasattr(target, "tolist") and not isinstance(target, Value) else target


def _flatten(x: object, t: object, xs: list[object], ts: list[Any], who: str) -> None:
    t = _listed(t)  # a row of a NumPy array of targets (as list(array) gives them)
    if isinstance(x, (list, tuple)):
        if not isinstance(t, (list, tuple)) or len(x) != len(t):
            size = f"{len(t)} targets" if isinstance(t, (list, tuple)) else f"one number ({t!r}): one output per target"
            raise ValueError(f"{who}: input has {len(x)} predictions but target has {size}")
        for xi, ti in zip(x, t):
            _flatten(xi, ti, xs, ts, who)
    elif isinstance(t, (Value, numbers.Real)) and not isinstance(t, bool):
        xs.append(x)
        ts.append(t)
    else:
        # a column of one ([[0], [1]], an array shaped (n, 1)) for a model with one output
        hint = "; y is a column of one-number rows: flatten it (y = [t[0] for t in y])" \
            if isinstance(t, (list, tuple)) and len(t) == 1 else ""
        raise TypeError(f"{who}: target: targets must be numbers, got {type(t).__name__}: {t!r}{hint}")


def _as_values(items: Iterable[object], who: str, what: str = "input") -> list[Value]:
    out = []
    for x in items:
        if x.__class__ is not Value:
            if isinstance(x, bool) or not isinstance(x, (Value, numbers.Real)):
                kind = "predictions" if what == "input" else "items"
                raise TypeError(f"{who}: {what}: {kind} must be Values or numbers, got {type(x).__name__}: {x!r}")
            x = Value(x)  # type: ignore[arg-type]  # not a Value here: a real number
        out.append(x)
    return out


def _logits(logits: object, what: str) -> list[Value]:
    if not isinstance(logits, (list, tuple)) or not logits:
        raise ValueError(f"{what} must be a non-empty list of logits, got {logits!r}")
    who, _, name = what.partition(": ")
    return _as_values(logits, who, name)


def _binary_target(t: Any, who: str) -> Any:
    value = t.data if isinstance(t, Value) else t
    if not 0.0 <= value <= 1.0 and value == value:  # (NaN goes through)
        raise ValueError(f"{who}: target must hold targets in [0, 1], got {value!r} "
                         "(for -1/+1 labels use (y + 1) / 2)")
    return t


def _class_index(t: object, n: int) -> int:
    if isinstance(t, float) and t.is_integer():
        t = int(t)
    if isinstance(t, bool) or not isinstance(t, numbers.Integral):
        raise TypeError(f"cross_entropy: target must be class indices (ints), got {type(t).__name__}: {t!r}")
    if not 0 <= int(t) < n:
        raise ValueError(f"cross_entropy: target: class index {t} is out of range for {n} classes (0..{n - 1})")
    return int(t)


def _total(values: list[Value]) -> Value:
    # Start from the first term, not 0: no extra constant node.
    return sum(values[1:], values[0])


def _reduce(terms: list[Value], reduction: str, who: str) -> Union[Value, list[Value]]:
    if reduction == "mean":
        # sum / n, rounded once as PyTorch's mean (sum * (1 / n) rounds twice: a third of sums differ)
        return _total(terms) / float(len(terms)) if len(terms) > 1 else terms[0]
    if reduction == "sum":
        return _total(terms)
    if reduction == "none":
        return terms
    raise ValueError(f"{who}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
