"""Training: `fit` (the mini-batch loop), `batch_loss` and `EpochStats`; `evaluate`,
`accuracy` and `predict` are in evaluation.py."""
from __future__ import annotations

import contextlib
import dataclasses
import math
import numbers
from typing import Any, Callable, Iterator, Optional, Sequence, Union, cast

from autograd import Value

from . import _validate
from ._seed import Seed
from .data import DataLoader
from .evaluation import LOSSES, Loss, Threshold, _as_rows, _class_targets, _outputs, _resolve_threshold, _scores
from .losses import l2_penalty, mse_loss
from .lr_scheduler import LRScheduler
from .module import Module
from .optim import Adam, Optimizer


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
    first = _outputs(model, X[:1])[0]
    if isinstance(first, list):  # several outputs: each epoch's accuracy needs classes; checked now
        _class_targets(y, len(first), "fit")
        if validation is not None:
            _class_targets(validation[1], len(first), "fit: validation")
    if compile and loss_fn is mse_loss:  # compile reads int targets as labels, one code per value: a
        # regression's whole numbers (load_csv's ints) would be traced again and again; as floats, one code
        y = [float(t) if isinstance(t, numbers.Integral) and not isinstance(t, bool) else t for t in y]
    loader: Union[DataLoader, _ArrayBatches] = DataLoader(X, y, batch_size, shuffle=True, seed=seed)

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
            loader = _ArrayBatches(rows, y, batch_size, seed)
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
        record.accuracy = _scores(model, X, y, None, threshold, compile, rows, "fit")["accuracy"]
        if validation is not None:
            scores = _scores(model, validation[0], validation[1], loss_fn, threshold, compile, val_rows, "fit")
            record.val_loss, record.val_accuracy = scores["loss"], scores["accuracy"]
        history.append(record)
        if verbose and (epoch % int(verbose) == 0 or epoch == epochs):
            print(_line(record, f"{epoch:>{len(str(epochs))}}/{epochs}"), flush=True)  # to a log file too, as it ends
    return history


def _run_epoch(model: Module, loader: Union[DataLoader, _ArrayBatches],
               step: Callable[[Sequence[Any], Sequence[Any]], float], optimizer: Optimizer, epoch: int,
               compiled: bool) -> float:
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
                try:
                    value = train(xb, yb)
                except FloatingPointError as error:  # array code raises on overflow: say where, as check does
                    if str(error).startswith("fit:"):
                        raise
                    raise FloatingPointError(f"fit: epoch {epoch}, step {number}: {error} in the compiled step; the "
                                             "parameters were not updated by this step (try a smaller learning "
                                             "rate)") from error
            else:
                optimizer.zero_grad()
                value = step(xb, yb)
                check(value)
                optimizer.step()
            total += value * len(xb)
    return total / len(loader.X)


class _ArrayBatches:
    """The batches `DataLoader(rows, y, batch_size, shuffle=True, seed=seed)` yields, in its
    order, as NumPy arrays: taken by index from arrays made once, not stacked row by row."""

    def __init__(self, rows: Any, y: Sequence[Any], batch_size: Optional[int], seed: Seed) -> None:
        import numpy
        self.X, self.y, self.asarray = rows, y, numpy.asarray
        n = len(rows)
        self.order = DataLoader(range(n), range(n), batch_size, shuffle=True, seed=seed)  # shuffles as over the rows
        # All floats, or all ints (of int64): each batch's numpy.asarray(yb) has the whole array's
        # kind, so the whole array indexed is that batch. Else (mixed kinds) batch by batch.
        targets = numpy.asarray(y) if {t.__class__ for t in y} in ({float}, {int}) else None
        self.targets = targets if targets is not None and targets.dtype.kind in ("i", "f") else None

    def __len__(self) -> int:
        return len(self.order)

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        for part, _ in self.order:
            index = self.asarray(part, dtype=int)
            if self.targets is not None:
                yield self.X[index], self.targets[index]
            else:
                yb = [self.y[i] for i in part]
                targets = self.asarray(yb)  # targets of mixed kinds stay a list
                yield self.X[index], targets if targets.dtype.kind in ("i", "u", "f") else yb


def _backend_argument(backend: object, compile: bool) -> None:
    from autograd.compiler import backends  # optional, and heavy to import
    names = ("python", "auto") + backends.NAMES
    if backend not in names:
        raise ValueError(f"fit: backend must be one of {', '.join(map(repr, names))}, got {backend!r}")
    if not compile:
        raise ValueError(f"fit: backend={backend!r} runs compiled code; pass compile=True with it")


def _line(record: EpochStats, epoch: str) -> str:
    parts = [f"epoch {epoch}", f"loss {record.loss:.4f}"]
    for name in ("accuracy", "val_loss", "val_accuracy", "lr"):
        value = getattr(record, name)
        if value is not None:
            parts.append(f"{name} {value:.4g}" if name == "lr" else f"{name} {value:.4f}")
    return "  ".join(parts)
