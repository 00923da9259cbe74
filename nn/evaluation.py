"""Measuring a model: `evaluate`, `accuracy` and `predict` (what `fit` reports after each epoch)."""
from __future__ import annotations

import functools
import numbers
from typing import Any, Callable, Literal, Optional, Sequence, Union, cast

from autograd import Value, no_grad

from . import _validate
from ._check import flag
# re-exported (`name as name`): train.py, the tests and bench/ import these from here
from ._forward_pass import _FORWARD as _FORWARD, _as_rows as _as_rows, _as_value, _outputs as _outputs
from ._scoring import _argmax, _class_targets as _class_targets, _data, _is_correct, _labels, _loss_value
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
            _validate._check_targets(loss_fn, _validate._dummy_output(model, X[0], "evaluate"), y, "evaluate: y")
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


def _resolve_threshold(threshold: Threshold, loss_fn: Optional[Loss], y: Sequence[Any]) -> Optional[float]:
    if threshold != "auto":
        return threshold
    # functools.partial(binary_cross_entropy_with_logits, pos_weight=...): its weights are keywords
    known = loss_fn.func if isinstance(loss_fn, functools.partial) else loss_fn
    if known in _THRESHOLDS:
        return _THRESHOLDS[known]
    labels = set(y) if all(isinstance(t, numbers.Real) for t in y) else set()
    if loss_fn is None:  # scores: 0 splits labels 0/1 or -1/+1; other targets are regression (no accuracy)
        return 0.0 if labels and labels <= {-1, 0, 1} else None
    if labels and labels <= {0, 1}:
        return 0.5
    if labels and labels <= {-1, 1}:
        return 0.0
    return None  # regression: no accuracy for a single output
