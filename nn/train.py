"""Training helpers: `fit` (the mini-batch loop), `evaluate`, `accuracy` and `predict`."""
from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import math
import numbers
import weakref
from typing import Any, Callable, Literal, Optional, Sequence, Union, cast

from autograd import Value, no_grad

from . import _validate
from ._check import flag
from ._seed import Seed
from .data import DataLoader
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge_loss,
                     l2_penalty, mse_loss)
from .lr_scheduler import LRScheduler
from .module import Module
from .optim import Adam, Optimizer

Loss = Callable[..., Value]  # (outputs, targets) -> the loss
Threshold = Union[float, Literal["auto"], None]

LOSSES: dict[str, Loss] = {
    "mse": mse_loss, "hinge": hinge_loss, "cross_entropy": cross_entropy,
    "bce": binary_cross_entropy, "bce_with_logits": binary_cross_entropy_with_logits,
}
# Where a single output splits the two classes: scores and logits at 0, probabilities at 0.5.
_THRESHOLDS: dict[Loss, float] = {hinge_loss: 0.0, binary_cross_entropy_with_logits: 0.0, binary_cross_entropy: 0.5}


@dataclasses.dataclass
class EpochStats:
    """One epoch of `fit`: mean training loss over its batches, accuracy on the training data
    after the epoch, the same on the validation data (None when not measured), and the lr used."""

    epoch: int
    loss: float
    accuracy: Optional[float] = None
    val_loss: Optional[float] = None
    val_accuracy: Optional[float] = None
    lr: Optional[float] = None

    def __str__(self) -> str:
        return _line(self, str(self.epoch))


def batch_loss(model: Module, loss: Loss, xb: Sequence[Any], yb: Sequence[Any], l2: float = 0.0) -> Value:
    """The loss of `model` on one mini-batch, as a Value: loss(outputs, targets) + l2 penalty.

    `fit` differentiates exactly this function, with `loss.backward()` or compiled.

    >>> from nn import MLP, mse_loss
    >>> model = MLP(1, [1], seed=0)
    >>> batch_loss(model, mse_loss, [[0.0]], [model.layers[0].neurons[0].b.data]).data
    0.0
    """
    _validate.batch_arguments(model, loss, xb, yb, l2)
    total = loss([model(x) for x in xb], yb)
    if l2:
        total = total + l2_penalty(model.parameters(), l2)
    return total


def fit(model: Module, X: Sequence[Any], y: Sequence[Any], loss: Union[str, Loss],
        optimizer: Optional[Optimizer] = None, epochs: int = 10, batch_size: Optional[int] = 32,
        validation: Optional[tuple[Sequence[Any], Sequence[Any]]] = None, seed: Seed = None,
        verbose: Union[bool, int] = True, compile: bool = False, scheduler: Optional[LRScheduler] = None,
        l2: float = 0.0, threshold: Threshold = "auto", backend: str = "python") -> list[EpochStats]:
    """Train `model` on (X, y) with mini-batches; returns the history, one `EpochStats` per epoch.

    Each batch: `optimizer.zero_grad()`, forward, loss, backward, `optimizer.step()`.
    `loss`: a name ('mse', 'hinge', 'cross_entropy', 'bce', 'bce_with_logits') or a function
    (outputs, targets) -> Value. `optimizer`: default `Adam(model.parameters(), lr=0.01)`.
    `batch_size=None`: the whole set. `validation=(X_val, y_val)`. `seed`: the shuffle order.
    `verbose`: True prints a line per epoch, an int n every n-th epoch, False nothing.
    `compile=True` replays a compiled graph (autograd.compile) instead of rebuilding it;
    with `backend="numpy"` (or "auto", "torch") as array code, each epoch inside
    `step.training(optimizer)`: the parameters stay arrays during the epoch and the Values
    are written back at its end (so the epoch's accuracy, and you, see them updated).
    `scheduler` (an lr schedule) steps once per epoch; `l2` adds `l2_penalty(params, l2)`.
    `threshold` splits a single output into two classes for accuracy ('auto': 0 for scores
    and logits, 0.5 for probabilities, the labels' midpoint for MSE, None for regression).
    Every argument and all the data are checked before the first step (NaN/inf cells and bad
    labels are named); a loss that turns NaN/inf stops training with FloatingPointError.
    """
    loss_fn, X, y, validation, epochs = _validate.fit_arguments(
        model, X, y, loss, optimizer, epochs, batch_size, validation, seed, verbose, compile, scheduler, l2,
        threshold, LOSSES)
    if backend != "python":
        _backend_argument(backend, compile)
    params = model.parameters()
    optimizer = Adam(params, lr=0.01) if optimizer is None else optimizer
    threshold = _resolve_threshold(threshold, loss_fn, y)
    loader = DataLoader(X, y, batch_size, shuffle=True, seed=seed)

    def loss_of_batch(xb: Sequence[Any], yb: Sequence[Any]) -> Value:
        return batch_loss(model, loss_fn, xb, yb, l2)

    if compile:
        from autograd.compiler import compile_step  # optional, and heavy to import
        # returns a float (a forward-only step would return lists), adds into .grad
        step = cast(Callable[[Sequence[Any], Sequence[Any]], float],
                    compile_step(loss_of_batch, params=params, backend=backend))
        rows = _as_rows(X)  # converted once, for the accuracy pass (and the batches)
        if backend in ("numpy", "auto") and rows is not None:
            # batches as NumPy arrays: no number looked at one by one
            loader = DataLoader(rows, y, batch_size, shuffle=True, seed=seed)
    else:
        rows = None

        def step(xb: Sequence[Any], yb: Sequence[Any]) -> float:
            value = loss_of_batch(xb, yb)
            value.backward()
            return value.data

    val_rows = _as_rows(validation[0]) if compile and validation is not None else None
    history: list[EpochStats] = []
    for epoch in range(1, epochs + 1):
        lr = getattr(optimizer, "lr", None)
        record = EpochStats(epoch, _run_epoch(model, loader, step, optimizer, epoch, compile), lr=lr)
        if scheduler is not None:
            scheduler.step()
        # The data was checked once, before the first step: measured without checking it again.
        record.accuracy = _scores(model, X, y, None, threshold, compile, rows)["accuracy"]
        if validation is not None:
            scores = _scores(model, validation[0], validation[1], loss_fn, threshold, compile, val_rows)
            record.val_loss, record.val_accuracy = scores["loss"], scores["accuracy"]
        history.append(record)
        if verbose and (epoch % int(verbose) == 0 or epoch == epochs):
            print(_line(record, f"{epoch:>{len(str(epochs))}}/{epochs}"))
    return history


def _run_epoch(model: Module, loader: DataLoader, step: Callable[[Sequence[Any], Sequence[Any]], float],
               optimizer: Optimizer, epoch: int, compiled: bool) -> float:
    """One pass over the mini-batches; returns the mean training loss. A compiled step runs
    the epoch in its `training` block (array code keeps the parameters as arrays until its end)."""
    model.train()
    total, number = 0.0, 0

    def check(value: float) -> None:  # before the update, so the parameters stay finite
        if not math.isfinite(value):
            raise FloatingPointError(f"fit: epoch {epoch}, step {number}: the training loss is {value}; the "
                                     "parameters were not updated by this step (try a smaller learning rate)")

    train: Any
    with getattr(step, "training")(optimizer, check) if compiled else contextlib.nullcontext() as train:
        for number, (xb, yb) in enumerate(loader, 1):
            if compiled:
                value = train(*_as_arrays(xb, yb)) if hasattr(loader.X, "ndim") else train(xb, yb)
            else:
                optimizer.zero_grad()
                value = step(xb, yb)
                check(value)
                optimizer.step()
            total += value * len(xb)
    return total / len(loader.X)


def _as_arrays(xb: list[Any], yb: list[Any]) -> tuple[Any, Any]:
    """A batch of NumPy rows, and its targets, as arrays (targets of mixed kinds stay a list)."""
    import numpy
    targets = numpy.asarray(yb)
    return numpy.stack(xb), targets if targets.dtype.kind in ("i", "u", "f") else yb


def _backend_argument(backend: object, compile: bool) -> None:
    from autograd.compiler import backends  # optional, and heavy to import
    names = ("python", "auto") + backends.NAMES
    if backend not in names:
        raise ValueError(f"fit: backend must be one of {', '.join(map(repr, names))}, got {backend!r}")
    if not compile:
        raise ValueError(f"fit: backend={backend!r} runs compiled code; pass compile=True with it")


def evaluate(model: Module, X: Sequence[Any], y: Sequence[Any], loss: Union[str, Loss, None] = None,
             threshold: Threshold = "auto", compile: bool = False) -> dict[str, Optional[float]]:
    """{'loss': mean loss or None, 'accuracy': fraction correct or None}, without recording a graph.

    `threshold`: as in `accuracy`; None skips accuracy for a single output (regression);
    'auto' picks it from the loss as `fit` does (0 when no loss is given). `compile=True`
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
    return _scores(model, X, y, loss_fn, _resolve_threshold(threshold, loss_fn, y), flag(compile, "evaluate: compile"))


def _scores(model: Module, X: Sequence[Any], y: Sequence[Any], loss_fn: Optional[Loss], threshold: Optional[float],
            compile: bool, rows: Any = None) -> dict[str, Optional[float]]:
    """`evaluate`'s result on data already checked, with the loss and threshold resolved
    (`rows`: X as a NumPy array, if made already)."""
    outputs = _outputs(model, X, compile, rows)
    with no_grad():
        value = None if loss_fn is None else float(loss_fn(outputs, y))
    data = [_data(out) for out in outputs]
    if threshold is None and not isinstance(data[0], list):
        return {"loss": value, "accuracy": None}
    correct = sum(_is_correct(out, t, threshold) for out, t in zip(data, y))
    return {"loss": value, "accuracy": float(correct) / len(y)}  # a float also when y is a NumPy array


def accuracy(model: Module, X: Sequence[Any], y: Sequence[Any], threshold: float = 0.0, compile: bool = False) -> float:
    """Fraction of rows classified right. Several outputs: the largest is the class index.
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
    return cast(float, _scores(model, X, y, None, threshold, flag(compile, "accuracy: compile"))["accuracy"])


def predict(model: Module, X: Sequence[Any], threshold: Optional[float] = 0.0, labels: Sequence[Any] = (0, 1),
            compile: bool = False) -> list[Any]:
    """Predicted classes: the index of the largest output, or for one output labels[1] when
    it exceeds `threshold`, else labels[0]; for one output `threshold=None` returns the raw
    values (floats, regression). Several outputs give the class index either way.
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
            result.append(out.index(max(out)))
        else:
            result.append(out if threshold is None else labels[1] if out > threshold else labels[0])
    return result


def _outputs(model: Module, X: Sequence[Any], compile: bool = False, rows: Any = None) -> list[Any]:
    """The model's outputs on every row, in evaluation mode, recording no graph; with
    `compile`, floats from a compiled forward pass (run over chunks of rows): with NumPy
    installed on X as an array (`rows`, made here if not given), as array code."""
    was_training = getattr(model, "training", None)
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
        if was_training is not None:
            model.train(was_training)


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
_FORWARD: weakref.WeakKeyDictionary[Module, Any] = weakref.WeakKeyDictionary()  # model -> its compiled forward pass


def _forward_program(model: Module, arrays: bool = False) -> Any:
    """The model's compiled forward pass, made once and kept as long as the model lives;
    with `arrays`, as array code where it pays (backend "auto")."""
    from autograd.compiler import compile_step  # optional, and heavy to import
    params = model.parameters()
    try:
        found = _FORWARD.get(model)
    except TypeError:  # a model that cannot be a weak dictionary key: compile each time
        found = None
    backend = "auto" if arrays else "python"
    if found is None or found.backend != backend or len(found.params) != len(params) or \
            any(a is not b for a, b in zip(found.params, params)):
        found = compile_step(lambda xb, yb: [model(x) for x in xb], params, backward=False, backend=backend)
        try:
            _FORWARD[model] = found
        except TypeError:
            pass
    return found


def _data(out: Any) -> Union[float, list[float]]:
    return [float(v) for v in out] if isinstance(out, (list, tuple)) else float(out)


def _is_correct(out: Union[float, list[float]], target: float, threshold: Optional[float]) -> bool:
    if isinstance(out, list):
        return out.index(max(out)) == target
    return (out > threshold) == (target > 0)  # type: ignore[operator]  # None: evaluate returned before


def _resolve_threshold(threshold: Threshold, loss_fn: Optional[Loss], y: Sequence[Any]) -> Optional[float]:
    if threshold != "auto":
        return threshold
    if loss_fn is None:
        return 0.0
    if loss_fn in _THRESHOLDS:
        return _THRESHOLDS[loss_fn]
    labels = set(y) if all(isinstance(t, numbers.Real) for t in y) else set()
    if labels and labels <= {0, 1}:
        return 0.5
    if labels and labels <= {-1, 1}:
        return 0.0
    return None  # regression: no accuracy for a single output


def _line(record: EpochStats, epoch: str) -> str:
    parts = [f"epoch {epoch}", f"loss {record.loss:.4f}"]
    for name in ("accuracy", "val_loss", "val_accuracy", "lr"):
        value = getattr(record, name)
        if value is not None:
            parts.append(f"{name} {value:.4g}" if name == "lr" else f"{name} {value:.4f}")
    return "  ".join(parts)
