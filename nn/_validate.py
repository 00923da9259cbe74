"""Checks that `fit`, `evaluate` and `predict` run on every argument and all the data before
the first step, so a rejected call changes no parameter (validate first, then change)."""
from __future__ import annotations

import collections
import math
import numbers
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from autograd import Value, enable_grad, no_grad, topological_order

from ._check import MAX_SIZE, flag, is_number, nonnegative, positive_int, short
from ._seed import as_rng
from .data import as_dataset, as_rows
from .module import Module

FitArguments = collections.namedtuple("FitArguments", "loss X y validation epochs")


def fit_arguments(model: object, X: object, y: object, loss: object, optimizer: object, epochs: object,
                  batch_size: object, validation: object, seed: object, verbose: object, compile: object,
                  scheduler: object, l2: object, threshold: object,
                  losses: Mapping[str, Callable[..., Value]]) -> FitArguments:
    """Every argument of `fit` checked, data included; returns what `fit` uses, normalized.

    `losses` is `fit`'s table of loss names. Each error names `fit` and the argument.
    """
    model_argument(model, "fit")
    loss = loss_argument(loss, losses, "fit")
    if optimizer is not None and not all(callable(getattr(optimizer, m, None)) for m in ("step", "zero_grad")):
        raise TypeError(f"fit: optimizer must be None (Adam) or an optimizer with step() and zero_grad(), "
                        f"got {type(optimizer).__name__}: {short(optimizer)}")
    epochs = positive_int(epochs, "fit: epochs", minimum=0)
    if batch_size is not None:
        positive_int(batch_size, "fit: batch_size")
    as_rng(seed, "fit: seed")
    if isinstance(verbose, float) or not isinstance(verbose, int) or verbose < 0:
        raise TypeError(f"fit: verbose must be True, False or an int n >= 0 (print every n-th epoch), "
                        f"got {short(verbose)}")
    flag(compile, "fit: compile")
    if scheduler is not None and not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"fit: scheduler must be None or a schedule with step() (e.g. StepLR), "
                        f"got {type(scheduler).__name__}: {short(scheduler)}")
    _same_model(model, optimizer, scheduler)
    nonnegative(l2, "fit: l2")
    threshold_argument(threshold, "fit", auto=True)

    X, y = data_argument(X, y, "fit: X, y")
    if validation is not None:
        if not isinstance(validation, (list, tuple)) or len(validation) != 2:
            raise TypeError(f"fit: validation must be a pair (X_val, y_val), got {type(validation).__name__}")
        validation = data_argument(validation[0], validation[1], "fit: validation")
    width = _width(model, X, "fit: X")
    if validation is not None and _width(model, validation[0], "fit: validation X") != width:
        raise ValueError(f"fit: validation rows have {len(validation[0][0])} values, training rows {width}")
    dummy = _dummy_output(model, X[0])
    _check_targets(loss, dummy, y, "fit: y")
    if validation is not None:
        _check_targets(loss, dummy, validation[1], "fit: validation y")
    return FitArguments(loss, X, y, validation, epochs)


def _same_model(model: Any, optimizer: object, scheduler: object) -> None:
    """ValueError where fit would train silently wrong: an optimizer holding none of the model's
    parameters (made for another model), a schedule that changes another optimizer's lr."""
    params = getattr(optimizer, "params", None)
    if (isinstance(params, list) and params and all(isinstance(p, Value) for p in params)  # not another make's groups
            and not {id(p) for p in params} & {id(p) for p in model.parameters()}):
        raise ValueError("fit: the optimizer holds none of the model's parameters (was it made for another "
                         "model?); pass one made from model.parameters()")
    bound = getattr(scheduler, "optimizer", None)
    if bound is not None and bound is not optimizer:
        raise ValueError("fit: the scheduler changes the lr of another optimizer than the one fit uses"
                         + ("" if optimizer is not None else " (given none, fit makes its own Adam)")
                         + "; pass optimizer=the optimizer the scheduler was made with")


def batch_arguments(model: object, loss: object, xb: object, yb: object, l2: object) -> None:
    """The cheap checks of `batch_loss` (it runs once per batch): types, not data."""
    if not callable(model):
        raise TypeError(f"batch_loss: model must be a Module (callable), got {type(model).__name__}")
    if not callable(loss):
        raise TypeError(f"batch_loss: loss must be a function (outputs, targets) -> Value, got {short(loss)}")
    for name, rows in (("xb", xb), ("yb", yb)):
        if not isinstance(rows, (list, tuple)):
            raise TypeError(f"batch_loss: {name} must be a list, got {type(rows).__name__}")
    nonnegative(l2, "batch_loss: l2")


def model_argument(model: object, function: str) -> None:
    """TypeError unless `model` is a Module (or at least callable with a parameters() method)."""
    if not isinstance(model, Module) and not (callable(model) and callable(getattr(model, "parameters", None))):
        raise TypeError(f"{function}: model must be a Module (e.g. MLP), got {type(model).__name__}: {short(model)}")


def loss_argument(loss: object, losses: Mapping[str, Callable[..., Value]], function: str) -> Callable[..., Value]:
    """The loss function for a name in `losses`, or `loss` itself when callable."""
    if callable(loss):
        return loss
    if isinstance(loss, str) and loss in losses:
        return losses[loss]
    raise ValueError(f"{function}: unknown loss {short(loss)}; give a function or one of {', '.join(losses)}")


def threshold_argument(threshold: object, function: str, auto: bool = False) -> Union[numbers.Real, str, None]:
    """TypeError unless `threshold` is None, a finite number (or 'auto' where allowed)."""
    if threshold is None or (auto and isinstance(threshold, str) and threshold == "auto"):
        return threshold
    if not is_number(threshold):
        allowed = "'auto', None or a finite number" if auto else "None or a finite number"
        raise TypeError(f"{function}: threshold must be {allowed}, got {short(threshold)}")
    return threshold


def labels_argument(labels: object, function: str) -> Sequence[Any]:
    """A pair (negative label, positive label) for a single-output model."""
    if not isinstance(labels, (list, tuple)) or len(labels) != 2:
        raise ValueError(f"{function}: labels must be a pair (negative, positive), got {short(labels)}")
    return labels


def data_argument(X: object, y: object, what: str) -> tuple[list[list[float]], list[Any]]:
    """(rows, targets) with every cell a finite number: the first bad one is named."""
    X, y = as_dataset(X, y, what)
    if len(X) > MAX_SIZE:
        raise ValueError(f"{what}: {len(X):,} rows; at most {MAX_SIZE:,} are allowed")
    _finite(X, what)
    for i, t in enumerate(y):
        if isinstance(t, numbers.Real) and not isinstance(t, numbers.Integral) and not is_number(t):  # NumPy's too
            raise ValueError(f"{what}: target {i} is {t}; targets must be finite")
    return X, y


def rows_for(model: object, X: object, what: str) -> list[list[float]]:
    """Rows as lists of finite floats, all as wide as the model's input (when it states one)."""
    X = as_rows(X, what)
    if X:
        _width(model, X, what)
    return _finite(X, what)


def dataset_for(model: object, X: object, y: object, function: str) -> tuple[list[list[float]], list[Any]]:
    """(rows, targets) as `as_dataset` makes them, the rows finite and as wide as the model's input."""
    X, y = as_dataset(X, y, f"{function}: X, y")
    _width(model, X, f"{function}: X")
    return _finite(X, f"{function}: X"), y


def _finite(X: list[list[float]], what: str) -> list[list[float]]:
    """X itself, once every cell is checked finite: a NaN row would be scored as class 0 without a word."""
    for i, row in enumerate(X):
        for j, x in enumerate(row):
            if not math.isfinite(x):
                raise ValueError(f"{what}: row {i}, column {j} is {x}; the data must be finite numbers "
                                 "(drop or fill that row first)")
    return X


def _same_width(X: list[list[float]], what: str) -> int:
    width = len(X[0])
    for i, row in enumerate(X):
        if len(row) != width:
            raise ValueError(f"{what}: row {i} has {len(row)} values, but row 0 has {width} (ragged rows)")
    return width


def _width(model: object, X: list[list[float]], what: str) -> int:
    """The common row width, checked against the model's number of inputs when it has one."""
    width = _same_width(X, what)
    nin = getattr(model, "nin", None)
    if isinstance(nin, int) and nin != width:
        raise ValueError(f"{what}: rows have {width} values, but the model takes {nin} inputs")
    return width


def _dummy_output(model: Any, row: list[float], who: str = "fit") -> Union[Value, list[Value]]:
    """An output shaped like the model's (one Value or a list), every entry 0.5: a valid
    probability, score and logit, so only the targets can make the loss fail."""
    try:
        with no_grad():
            out = model(row)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{who}: the model cannot take row 0: {e}") from None
    if isinstance(out, (list, tuple)):
        return [Value(0.5) for _ in out]
    return Value(0.5)


def _check_targets(loss: Callable[..., object], dummy: Union[Value, list[Value]], y: Sequence[Any],
                   what: str) -> None:
    """Run the loss once per target on the dummy output: a bad label fails here, before training.
    `what` names the caller and the targets ("fit: y", "evaluate: y")."""
    who = what.split(":")[0]
    with no_grad():
        for i, t in enumerate(y):
            try:
                value = loss([dummy], [t])
            except (TypeError, ValueError, IndexError, KeyError, OverflowError) as e:  # Overflow: a target of 10**400
                kind = TypeError if isinstance(e, TypeError) else ValueError
                raise kind(f"{what}: the loss fails on target {i} ({short(t)}) with an output shaped like "
                           f"the model's ({_shape(dummy)}): {e}") from None
            if i == 0 and not isinstance(value, Value):
                raise TypeError(f"{who}: loss must return a Value, got {type(value).__name__}: {short(value)}")
    if who != "fit" or not y:
        return
    # A loss that no output reaches has a gradient of 0 for every parameter. One target reaching
    # them will do: a loss may skip a sample by its value (a perceptron's, on one it gets right).
    outputs = set(dummy if isinstance(dummy, list) else [dummy])
    first = None
    with enable_grad():
        for t in y:
            value = loss([dummy], [t])
            if not isinstance(value, Value) or outputs & set(topological_order(value)):
                return
            first = value if first is None else first
    raise ValueError(f"fit: the loss does not depend on the model's outputs (it returned "
                     f"{short(first)}), so training would change nothing; compute it from them")


def _shape(out: Union[Value, list[Value]]) -> str:
    return f"a list of {len(out)} Values" if isinstance(out, list) else "one Value"
