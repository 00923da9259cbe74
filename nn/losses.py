"""Losses on Values (targets are plain numbers), `softmax`, and the L2 penalty.

Each loss takes one prediction and its target, or a batch (a list of predictions and a list
of targets), and returns a `Value`: the mean over the batch by default (`reduction='sum'`
gives the sum, `'none'` the list of per-element losses), as PyTorch.
"""
from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any, Iterable, Literal, Optional, Sequence, Union, overload

from autograd import Value
from autograd.ops import BCE
from autograd.value import _binary

from ._check import number
from ._loss_inputs import _as_values, _binary_target, _class_index, _listed, _logits, _pairs, _reduce, _total
from ._loss_weights import per_prediction

if TYPE_CHECKING:
    from .module import Module

# A prediction is a Value (or number), or a list (nested lists: a batch) of them; targets likewise.
Prediction = Union[Value, float, Sequence[Any]]
Target = Union[Value, float, Sequence[Any]]
Classes = Union[int, float, Sequence[Any]]  # cross_entropy's targets: a class index, or a list of them


@overload
def mse_loss(input: Prediction, target: Target,
             reduction: Literal["mean", "sum"] = ...) -> Value: ...
@overload
def mse_loss(input: Prediction, target: Target,
             reduction: Literal["none"]) -> list[Value]: ...


def mse_loss(input: Prediction, target: Target,
             reduction: str = "mean") -> Union[Value, list[Value]]:
    """Mean squared error: (input - target) ** 2 averaged.

    >>> from autograd import Value
    >>> mse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data
    2.5
    """
    terms = []
    for x, t in _pairs(input, target, "mse_loss"):
        d = x - t
        terms.append(d * d)
    return _reduce(terms, reduction, "mse_loss")


@overload
def binary_cross_entropy(input: Prediction, target: Target,
                         reduction: Literal["mean", "sum"] = ...) -> Value: ...
@overload
def binary_cross_entropy(input: Prediction, target: Target,
                         reduction: Literal["none"]) -> list[Value]: ...


def binary_cross_entropy(input: Prediction, target: Target,
                         reduction: str = "mean") -> Union[Value, list[Value]]:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1] and targets t in [0, 1].

    As PyTorch: each log is clamped at -100, so p = 0 or 1 gives a large finite loss, and
    the gradient is PyTorch's (p - t) / max(p (1 - p), 1e-12), which near 0 and 1 is not the
    clamped loss's slope (0 or huge there). NaN gives NaN (PyTorch raises instead).
    For raw scores, `binary_cross_entropy_with_logits` is exact and stable.

    >>> from autograd import Value
    >>> round(binary_cross_entropy(Value(0.8), 1.0).data, 4)
    0.2231
    """
    terms = []
    for p, t in _pairs(input, target, "binary_cross_entropy"):
        if not 0.0 <= p.data <= 1.0 and p.data == p.data:  # (NaN goes through)
            raise ValueError(f"binary_cross_entropy: input must be probabilities in [0, 1], got {p.data!r} "
                             "(for raw scores use binary_cross_entropy_with_logits)")
        t = _binary_target(t, "binary_cross_entropy")
        # One primitive (autograd/ops.py): PyTorch's gradient is not the clamped loss's slope.
        terms.append(_binary(BCE, p, t))
    return _reduce(terms, reduction, "binary_cross_entropy")


@overload
def binary_cross_entropy_with_logits(input: Prediction, target: Target,
                                     reduction: Literal["mean", "sum"] = ..., *, weight: Any = ...,
                                     pos_weight: Any = ...) -> Value: ...
@overload
def binary_cross_entropy_with_logits(input: Prediction, target: Target,
                                     reduction: Literal["none"], *, weight: Any = ...,
                                     pos_weight: Any = ...) -> list[Value]: ...


def binary_cross_entropy_with_logits(input: Prediction, target: Target, reduction: str = "mean", *,
                                     weight: Any = None, pos_weight: Any = None) -> Union[Value, list[Value]]:
    """Binary cross-entropy of sigmoid(x), computed stably as PyTorch does: (1 - t) x + softplus(-x).
    PyTorch's `pos_weight` multiplies the positive part, (1 - t) x + (1 + (pw - 1) t) softplus(-x),
    and `weight` each term: a number, or one per output of a row (or per prediction).

    >>> from autograd import Value
    >>> binary_cross_entropy_with_logits(Value(-1000.0), 1.0).data  # sigmoid(-1000) underflows; this doesn't
    1000.0
    """
    who = "binary_cross_entropy_with_logits"
    pairs = list(_pairs(input, target, who))
    pws = per_prediction(pos_weight, input, len(pairs), f"{who}: pos_weight")
    ws = per_prediction(weight, input, len(pairs), f"{who}: weight")
    terms = []
    for i, (x, t) in enumerate(pairs):
        t = _binary_target(t, who)
        if pws is None:
            term = (1.0 - t) * x + (-x).softplus()  # as PyTorch adds it up, inf and nan included
        else:
            term = (1.0 - t) * x + (1.0 + (pws[i] - 1.0) * t) * (-x).softplus()
        terms.append(term if ws is None else term * ws[i])
    return _reduce(terms, reduction, who)


@overload
def hinge_loss(input: Prediction, target: Target,
               reduction: Literal["mean", "sum"] = ...) -> Value: ...
@overload
def hinge_loss(input: Prediction, target: Target,
               reduction: Literal["none"]) -> list[Value]: ...


def hinge_loss(input: Prediction, target: Target,
               reduction: str = "mean") -> Union[Value, list[Value]]:
    """micrograd's max-margin loss relu(1 - y * score) for labels y = +1 / -1 (0 counts as -1).

    >>> from autograd import Value
    >>> hinge_loss([Value(2.0), Value(0.5)], [1, -1]).data  # (0 + 1.5) / 2
    0.75
    """
    terms = []
    for s, t in _pairs(input, target, "hinge_loss"):
        if isinstance(t, Value):  # the label picks the graph (its sign): it must be a number
            raise TypeError(f"hinge_loss: target must be labels -1/+1 (or 0/1) as numbers, got {t!r}; "
                            "pass its .data")
        if t not in (-1, 0, 1):
            raise ValueError(f"hinge_loss: target must be labels -1/+1 (or 0/1), got {t!r}")
        y = 1.0 if t == 1 else -1.0
        terms.append((1.0 + (-y) * s).relu())
    return _reduce(terms, reduction, "hinge_loss")


@overload
def cross_entropy(input: Sequence[Any], target: Classes,
                  reduction: Literal["mean", "sum"] = ...) -> Value: ...
@overload
def cross_entropy(input: Sequence[Any], target: Classes,
                  reduction: Literal["none"]) -> list[Value]: ...


def cross_entropy(input: Sequence[Any], target: Classes,
                  reduction: str = "mean") -> Union[Value, list[Value]]:
    """Softmax cross-entropy: log-sum-exp(logits) - logits[target], for class indices.

    One sample: a list of logits and an int; a batch: a list of such lists and a list of ints.
    The largest logit (an exact `maximum` in the graph) is subtracted before exp, so nothing
    overflows, and the loss is log(sum(exp(x - max))) - (x[target] - max), as PyTorch adds it up.

    >>> from autograd import Value
    >>> round(cross_entropy([Value(1000.0), Value(0.0)], 1).data, 6)
    1000.0
    """
    target = _listed(target)
    if isinstance(target, (list, tuple)):
        if (not isinstance(input, (list, tuple)) or len(input) != len(target)
                or not all(isinstance(logits, (list, tuple)) for logits in input)):
            one = isinstance(input, (list, tuple)) and input and isinstance(input[0], Value)
            hint = ("; got one Value per sample: a model of one output has no classes to choose from (give it "
                    "one output per class, or use bce_with_logits for two)") if one else ""
            raise ValueError("cross_entropy: for a batch, input must be a list of logit lists "
                             f"and target a list of as many class indices (got {len(target)} targets){hint}")
        ragged = [i for i, logits in enumerate(input) if len(logits) != len(input[0])]
        if ragged:  # a class index means the same class in every sample, as in a PyTorch tensor
            raise ValueError(f"cross_entropy: every sample needs one logit per class, the same number: "
                             f"sample 0 has {len(input[0])}, sample {ragged[0]} has {len(input[ragged[0]])}")
        pairs: Iterable[tuple[Any, Any]] = zip(input, target)
    else:
        pairs = [(input, target)]
    terms = []
    for logits, t in pairs:
        logits = _logits(logits, "cross_entropy: input")
        t = _class_index(t, len(logits))
        shifted, log_total = _shifted(logits)
        terms.append(log_total - shifted[t])  # -log_softmax[t], added up as PyTorch does
    return _reduce(terms, reduction, "cross_entropy")


def softmax(logits: Sequence[Union[Value, float]], dim: Optional[int] = None) -> list[Value]:
    """exp(x_i) / sum_j exp(x_j) for one list of logits, as Values; stable for any size.
    `dim` is PyTorch's: a list has one dimension, 0 (or -1).

    >>> from autograd import Value
    >>> [round(p.data, 4) for p in softmax([Value(1000.0), Value(1000.0)])]
    [0.5, 0.5]
    """
    _dim(dim, "softmax")
    logits = _logits(logits, "softmax: logits")
    m = _running_max(logits)
    exps = [(x - m).exp() for x in logits]
    total = _total(exps)
    return [e / total for e in exps]  # division is correctly rounded, unlike e * total ** -1


def log_softmax(logits: Sequence[Union[Value, float]], dim: Optional[int] = None) -> list[Value]:
    """log(softmax(logits)) = x_i - log-sum-exp(x), as Values; stable for any size (`dim`: 0 or -1).

    >>> from autograd import Value
    >>> [round(p.data, 4) for p in log_softmax([Value(0.0), Value(0.0)])]
    [-0.6931, -0.6931]
    """
    _dim(dim, "log_softmax")
    logits = _logits(logits, "log_softmax: logits")
    shifted, log_total = _shifted(logits)
    return [x - log_total for x in shifted]


def l2_penalty(params: Union[Iterable[Value], Module], alpha: float = 1e-4) -> Value:
    """alpha * sum(p * p): weight decay added to the loss (micrograd's demo uses 1e-4).

    `params` is an iterable of Values or a Module (its parameters are used).

    >>> from autograd import Value
    >>> l2_penalty([Value(1.0), Value(2.0)], alpha=0.1).data
    0.5
    """
    if hasattr(params, "parameters"):
        params = params.parameters()
    if isinstance(params, (Value, str, bytes)) or not hasattr(params, "__iter__"):
        raise TypeError(f"l2_penalty: params must be a list of Values or a Module, got {type(params).__name__}")
    alpha = number(alpha, "l2_penalty: alpha")
    squares = [p * p for p in _as_values(list(params), "l2_penalty", "params")]
    if not squares:
        raise ValueError("l2_penalty: params is empty (no parameters given)")
    return alpha * _total(squares)


# ----- helpers ----------------------------------------------------------------------------
def _dim(dim: object, who: str) -> None:
    """Refuse a `dim` a list of logits does not have, as PyTorch refuses it for a 1-d tensor."""
    if dim is not None and (isinstance(dim, bool) or not isinstance(dim, numbers.Integral)):
        raise TypeError(f"{who}: dim must be an int, got {type(dim).__name__}: {dim!r}")
    if dim not in (None, 0, -1):
        raise IndexError(f"{who}: dim {dim} is out of range: one list of logits has one dimension, 0 (or -1); "
                         f"for a batch write [{who}(row) for row in rows]")


def _shifted(logits: list[Value]) -> tuple[list[Value], Value]:
    """(x - max(x) for each logit, log(sum(exp(x - max(x))))): log-sum-exp(x) is their
    sum's second part plus max(x); kept apart, `(x - m) - log_total` loses nothing when the
    logits are large (log-sum-exp + m - x would round log(2) away at x = 1e16)."""
    m = _running_max(logits)  # the shift keeps exp from overflowing; any shift is exact
    shifted = [x - m for x in logits]
    return shifted, _total([x.exp() for x in shifted]).log()


def _running_max(values: list[Value]) -> Value:
    # max as a Value, m = max(m, x) node by node: the graph's shape never depends on the
    # data, so a compiled replay picks the right maximum for every sample. `maximum` gives
    # the larger input exactly (m + relu(x - m) did not: x - m rounds when the magnitudes
    # differ, -1e19 and 710 gave 0). At a tie the first takes the gradient, which cancels out.
    m = values[0]
    for x in values[1:]:
        m = m.maximum(x)
    return m
