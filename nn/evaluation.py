"""Measuring a model: `evaluate`, `accuracy` and `predict` (what `fit` reports after each epoch)."""
from __future__ import annotations

import importlib.util
import numbers
import weakref
from typing import Any, Callable, Literal, Optional, Sequence, Union, cast

from autograd import Value, no_grad
from autograd.compiler.array_training import sync_open

from . import _validate
from ._check import flag, short
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge_loss,
                     mse_loss)
from .module import Module

Loss = Callable[..., Value]  # (outputs, targets) -> the loss
Threshold = Union[float, Literal["auto"], None]

LOSSES: dict[str, Loss] = {
    "mse": mse_loss, "hinge": hinge_loss, "cross_entropy": cross_entropy,
    "bce": binary_cross_entropy, "bce_with_logits": binary_cross_entropy_with_logits,
}
# Where a single output splits the two classes: scores and logits at 0, probabilities at 0.5.
_THRESHOLDS: dict[Loss, float] = {hinge_loss: 0.0, binary_cross_entropy_with_logits: 0.0, binary_cross_entropy: 0.5}


def evaluate(model: Module, X: Sequence[Any], y: Sequence[Any], loss: Union[str, Loss, None] = None,
             threshold: Threshold = "auto", compile: bool = False) -> dict[str, Optional[float]]:
    """{'loss': mean loss or None, 'accuracy': fraction correct or None}, without recording a graph.

    `threshold`: as in `accuracy`; None skips accuracy for a single output (regression);
    'auto' picks it from the loss as `fit` does (no loss: 0 for labels 0/1 or -1/+1, else
    None: targets of a regression have no accuracy). `compile=True`
    runs the model as a compiled forward pass (`autograd.compile(..., backward=False)`,
    kept for the model), as `fit(..., compile=True)` does.

    >>> from nn import MLP
    >>> evaluate(MLP(2, [1], init="zeros"), [[1.0, 2.0]], [1], loss="mse")
    {'loss': 1.0, 'accuracy': 0.0}
    """
    _validate.model_argument(model, "evaluate")
    _validate.threshold_argument(threshold, "evaluate", auto=True)
    X, y = _validate.dataset_for(model, X, y, "evaluate")
    loss_fn = None if loss is None else _validate.loss_argument(loss, LOSSES, "evaluate")
    try:
        return _scores(model, X, y, loss_fn, _resolve_threshold(threshold, loss_fn, y),
                       flag(compile, "evaluate: compile"))
    except (TypeError, ValueError):
        if loss_fn is not None:  # a bad label: name it and its row, as fit does (none found: the error as it was)
            _validate._check_targets(loss_fn, _validate._dummy_output(model, X[0]), y, "evaluate: y")
        raise


def _scores(model: Module, X: Sequence[Any], y: Sequence[Any], loss_fn: Optional[Loss], threshold: Optional[float],
            compile: bool, rows: Any = None, who: str = "evaluate") -> dict[str, Optional[float]]:
    """`evaluate`'s result on data already checked, with the loss and threshold resolved
    (`rows`: X as a NumPy array, if made already; `who` names the caller in errors)."""
    outputs = _outputs(model, X, compile, rows)
    with no_grad():
        # a compiled pass gives floats; a loss of the user's may call Value methods (o.exp())
        given = [_as_value(out) for out in outputs] if compile and loss_fn is not None else outputs
        value = None if loss_fn is None else _loss_value(loss_fn(given, y), who)
    data = [_data(out) for out in outputs]
    if threshold is None and not isinstance(data[0], list):
        return {"loss": value, "accuracy": None}
    if isinstance(data[0], list):
        y = _class_targets(y, len(data[0]), who)
    else:
        _labels(y, who)
    correct = sum(_is_correct(out, t, threshold) for out, t in zip(data, y))
    return {"loss": value, "accuracy": float(correct) / len(y)}  # a float also when y is a NumPy array


def accuracy(model: Module, X: Sequence[Any], y: Sequence[Any], threshold: float = 0.0, compile: bool = False) -> float:
    """Fraction of rows classified right. Several outputs: the largest is the class index,
    compared with a class index in y, or with the largest entry of a one-hot (or probability) row.
    One output: class 1 (or +1) when it exceeds `threshold` (0 for scores, 0.5 for
    probabilities); labels may be 0/1 or -1/+1.

    >>> from nn import MLP
    >>> accuracy(MLP(1, [1], activation="linear", init="zeros"), [[1.0]], [-1])
    1.0
    """
    if threshold is None:
        raise ValueError("accuracy: threshold must be a number (None is for regression, which has no accuracy)")
    _validate.threshold_argument(threshold, "accuracy")
    _validate.model_argument(model, "accuracy")
    X, y = _validate.dataset_for(model, X, y, "accuracy")
    # A threshold is given, so the accuracy is measured (never None).
    return cast(float, _scores(model, X, y, None, threshold, flag(compile, "accuracy: compile"),
                               who="accuracy")["accuracy"])


def predict(model: Module, X: Sequence[Any], threshold: Optional[float] = 0.0, labels: Sequence[Any] = (0, 1),
            compile: bool = False) -> list[Any]:
    """Predicted classes: the index of the largest output, or for one output labels[1] when
    it exceeds `threshold`, else labels[0]; for one output `threshold=None` returns the raw
    values (floats, regression). Several outputs give the class index either way (a NaN
    output counts as the largest, as `torch.argmax`: a model gone NaN shows, not a class).
    `compile=True` runs a compiled forward pass, as in `evaluate`.

    >>> from nn import MLP
    >>> predict(MLP(1, [1], activation="linear", init="zeros"), [[1.0], [2.0]], labels=(-1, 1))
    [-1, -1]
    """
    _validate.model_argument(model, "predict")
    _validate.threshold_argument(threshold, "predict")
    _validate.labels_argument(labels, "predict")
    X = _validate.rows_for(model, X, "predict: X")
    result: list[Any] = []
    for out in map(_data, _outputs(model, X, flag(compile, "predict: compile"))):
        if isinstance(out, list):
            result.append(_argmax(out))
        else:
            result.append(out if threshold is None else labels[1] if out > threshold else labels[0])
    return result


def _outputs(model: Module, X: Sequence[Any], compile: bool = False, rows: Any = None) -> list[Any]:
    """The model's outputs on every row, in evaluation mode, recording no graph; with
    `compile`, floats from a compiled forward pass (run over chunks of rows): with NumPy
    installed on X as an array (`rows`, made here if not given), as array code."""
    sync_open()  # inside a compiled training block: its latest step
    was_training = getattr(model, "training", None)
    # Each module's own mode, put back as it was: train(was_training) set every sub-module to
    # the model's mode (a part the user had put in eval mode came back in training mode).
    modes = [(m, m.training) for m in model.modules()] if isinstance(model, Module) else []
    if was_training is not None:
        model.eval()
    try:
        if compile:
            rows = _as_rows(X) if rows is None else rows
            forward = _forward_program(model, rows is not None)
            data, chunk = (X, _CHUNK) if rows is None else (rows, _ARRAY_CHUNK)
            return [out for k in range(0, len(X), chunk) for out in forward(data[k:k + chunk])]
        with no_grad():
            return [model(x) for x in X]
    finally:
        if modes:
            for m, mode in modes:
                m.training = mode
        elif was_training is not None:
            model.train(was_training)


def _as_value(out: Any) -> Any:
    """A compiled output (a float, or a list of floats) as the model gives it: Values."""
    return [Value(v) for v in out] if isinstance(out, (list, tuple)) else Value(out)


def _as_rows(X: Sequence[Any]) -> Any:
    """X as a 2-D NumPy array of floats; None without NumPy (then compiled code is Python) or
    for rows that are not one table of numbers (rows of several lengths)."""
    if importlib.util.find_spec("numpy") is None:
        return None
    import numpy
    try:
        rows = numpy.asarray(X, dtype=float)
    except (TypeError, ValueError):
        return None
    return rows if rows.ndim == 2 else None


_CHUNK = 256  # rows per call of a compiled forward pass: one batch size reused, short lists
_ARRAY_CHUNK = 8192  # the same as arrays: large, yet a bounded memory
_FORWARD: weakref.WeakKeyDictionary[Module, Any] = weakref.WeakKeyDictionary()  # model -> (forward pass, settings)


def _forward_program(model: Module, arrays: bool = False) -> Any:
    """The model's compiled forward pass, made once and kept as long as the model lives, and
    made again if its parameters or its modules' settings changed (see `_settings`); with
    `arrays`, as array code where it pays (backend "auto")."""
    from autograd.compiler import compile_step  # optional, and heavy to import
    params, settings = model.parameters(), _settings(model)
    try:
        found, known = _FORWARD.get(model, (None, None))
    except TypeError:  # a model that cannot be a weak dictionary key: compile each time
        found, known = None, None
    backend = "auto" if arrays else "python"
    if found is None or found.backend != backend or known != settings or len(found.params) != len(params) or \
            any(a is not b for a, b in zip(found.params, params)):
        # The pass reaches the model through a weak reference: the cache's value must not keep its
        # key alive (every model evaluated with compile=True stayed in memory for good).
        try:
            alive = weakref.ref(model)
        except TypeError:  # (an object without weak references: never cached either)
            alive = (lambda: model)  # type: ignore[assignment]

        def forward(xb: Any, yb: Any) -> list[Any]:
            return [alive()(x) for x in xb]  # type: ignore[misc]  # alive: it is called while cached
        found = compile_step(forward, params, backward=False, backend=backend)
        try:
            _FORWARD[model] = (found, settings)
        except TypeError:
            pass
    return found


def _settings(model: Module) -> tuple[Any, ...]:
    """What a compiled forward pass bakes in besides the parameters, by value: each module's
    plain attributes (numbers, strings, flags, None, functions), such as an activation's name
    or a custom module's `self.scale`; Values that are not parameters (a private `self._t`, or
    in a dict) by their numbers; lists, tuples, dicts and NumPy arrays of these."""
    out: list[Any] = []
    for k, module in enumerate(model.modules()):
        for name, v in vars(module).items():
            if not name.startswith("_") and _holds_members(v):
                continue  # parameters (read at every call) and modules (walked on their own)
            out.append((k, name, _baked(v)))
    return tuple(out)


def _holds_members(v: Any) -> bool:
    """True for a Value or Module, or lists of them: in a public attribute, parameters and modules."""
    if isinstance(v, (list, tuple)):
        return any(_holds_members(x) for x in v)
    return isinstance(v, (Value, Module))


_OTHER = object()  # an attribute a compiled pass does not read as a number (a module, an object)


def _baked(v: Any, depth: int = 0) -> Any:
    """`v` as a compiled pass would bake it in, comparable with ==; `_OTHER` for anything else."""
    if isinstance(v, Value):
        return ("Value", v.data)
    if v is None or isinstance(v, (numbers.Number, str)):
        return v
    if isinstance(v, (list, tuple)) and depth < 3:
        return tuple(_baked(x, depth + 1) for x in v)
    if isinstance(v, dict) and depth < 3:
        return tuple((key, _baked(x, depth + 1)) for key, x in v.items())
    if hasattr(v, "tolist") and hasattr(v, "ndim") and depth < 3:  # a NumPy array
        return _baked(v.tolist(), depth + 1)
    return v if callable(v) and not isinstance(v, Module) else _OTHER


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
        return out.index(max(out)) == target and not any(o != o for o in out)
    return out == out and (out > threshold) == (target > 0)  # type: ignore[operator]  # None: evaluate returned before


def _argmax(out: list[float]) -> int:
    """The index of the largest output, a NaN's first (as `torch.argmax`; `max` let it depend on where it was)."""
    for k, o in enumerate(out):
        if o != o:
            return k
    return out.index(max(out))


def _resolve_threshold(threshold: Threshold, loss_fn: Optional[Loss], y: Sequence[Any]) -> Optional[float]:
    if threshold != "auto":
        return threshold
    if loss_fn in _THRESHOLDS:
        return _THRESHOLDS[loss_fn]
    labels = set(y) if all(isinstance(t, numbers.Real) for t in y) else set()
    if loss_fn is None:  # scores: 0 splits labels 0/1 or -1/+1; other targets are regression (no accuracy)
        return 0.0 if labels and labels <= {-1, 0, 1} else None
    if labels and labels <= {0, 1}:
        return 0.5
    if labels and labels <= {-1, 1}:
        return 0.0
    return None  # regression: no accuracy for a single output
