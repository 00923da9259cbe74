"""The activations a layer can use, by name: the function on a `Value` and its init gain."""
from __future__ import annotations

import functools
import math
import re
from typing import Callable, Optional, Tuple

from autograd import Value

from ._check import short

# What `activation` returns: canonical name, the function on a Value (None for linear), init gain.
Activation = Tuple[str, Optional[Callable[[Value], Value]], float]

# name -> (function applied to a neuron's sum, or None for linear; gain for initialization,
# as torch.nn.init.calculate_gain: the factor that keeps the variance of activations steady)
_TABLE = {
    "relu": (Value.relu, math.sqrt(2.0)),
    "tanh": (Value.tanh, 5.0 / 3.0),
    "sigmoid": (Value.sigmoid, 1.0),
    "linear": (None, 1.0),
}
_LEAKY = re.compile(r"leaky_relu(?:\((?P<slope>[^()]*)\))?")
NAMES = tuple(_TABLE) + ("leaky_relu", "leaky_relu(<slope>)")


def activation(name: Optional[str], what: str = "activation") -> Activation:
    """(canonical name, function or None, gain) for an activation name.

    Names: 'relu', 'tanh', 'sigmoid', 'linear' (or None), 'leaky_relu' (slope 0.01) and
    'leaky_relu(0.2)' for another slope. `what` names the argument in error messages.

    >>> activation("leaky_relu(0.2)")[0], round(activation("tanh")[2], 4)
    ('leaky_relu(0.2)', 1.6667)
    """
    if name is None:
        name = "linear"
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a name (str), got {type(name).__name__}: {short(name)}")
    if name in _TABLE:
        return (name,) + _TABLE[name]
    match = _LEAKY.fullmatch(name.replace(" ", "")) if len(name) <= 100 else None
    if match is None:
        raise ValueError(f"{what}: unknown activation {short(name)}; choose one of {', '.join(NAMES)}")
    slope = 0.01
    if match["slope"] is not None:
        try:
            slope = float(match["slope"])
        except ValueError:
            raise ValueError(f"{what} {name!r}: the slope {match['slope']!r} is not a number") from None
        if not math.isfinite(slope):
            raise ValueError(f"{what} {name!r}: the slope must be a finite number")
    # repr, not a rounded format: a saved model must rebuild with exactly this slope.
    canonical = "leaky_relu" if slope == 0.01 else f"leaky_relu({slope!r})"
    gain = math.sqrt(2.0 / (1.0 + slope * slope))
    return canonical, functools.partial(Value.leaky_relu, negative_slope=slope), gain
