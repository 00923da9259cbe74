"""Weight initialization: micrograd's uniform(-1, 1), Xavier/Glorot and He/Kaiming, zeros.

Every function sets `.data` of the given Values in place and draws from a seedable
`random.Random` (`seed`: None for the global `random` module, an int, or a Random).
Names follow `torch.nn.init`; fans are given explicitly because a scalar library has no
weight matrix to read them from (for a layer: fan_in = inputs, fan_out = neurons).
"""
from __future__ import annotations

import math
import numbers
import random
from typing import Any, Iterable, Optional

from autograd import Value

from ._check import MAX_SIZE, nonnegative, number, short
from ._seed import Seed, as_rng
from .activation import activation


def calculate_gain(nonlinearity: Optional[str], param: Optional[float] = None, *, what: str = "nonlinearity") -> float:
    """The recommended gain for an activation name, as torch.nn.init.calculate_gain: `param`
    is leaky_relu's negative slope (default 0.01; other names ignore it, as PyTorch's).

    >>> calculate_gain("relu") == 2 ** 0.5, calculate_gain("linear"), calculate_gain("leaky_relu", 1)
    (True, 1.0, 1.0)
    """
    if nonlinearity in _GAIN_ONE:  # PyTorch's names for layers with no activation of their own
        return 1.0
    if nonlinearity == "selu":
        return 0.75
    if param is not None and nonlinearity == "leaky_relu":
        if isinstance(param, bool) or not isinstance(param, numbers.Real) or not math.isfinite(param):
            raise ValueError(f"calculate_gain: param (the negative slope) must be a finite number, got {short(param)}")
        return math.sqrt(2.0 / (1.0 + float(param) ** 2))
    return activation(nonlinearity, what)[2]


_GAIN_ONE = ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def uniform_(values: Iterable[Value], a: float = -1.0, b: float = 1.0, seed: Seed = None) -> list[Value]:
    """Each value from U(a, b); the defaults are micrograd's.

    >>> from autograd import Value
    >>> all(-1 <= v.data <= 1 for v in uniform_([Value(0.0) for _ in range(5)], seed=0))
    True
    """
    values = _values(values, "uniform_")
    a, b = number(a, "uniform_: a"), number(b, "uniform_: b")
    if not a <= b:
        raise ValueError(f"uniform_: need a <= b, got a={a!r}, b={b!r}")
    rng = as_rng(seed, "uniform_: seed")
    return _assign(values, [rng.uniform(a, b) for _ in values], "uniform_")


def normal_(values: Iterable[Value], mean: float = 0.0, std: float = 1.0, seed: Seed = None) -> list[Value]:
    """Each value from N(mean, std**2).

    >>> from autograd import Value
    >>> len(normal_([Value(0.0)] * 3, std=0.1, seed=0))
    3
    """
    values = _values(values, "normal_")
    mean, std = number(mean, "normal_: mean"), nonnegative(std, "normal_: std")
    rng = as_rng(seed, "normal_: seed")
    return _assign(values, [rng.gauss(mean, std) for _ in values], "normal_")


def constant_(values: Iterable[Value], val: float) -> list[Value]:
    """Every value set to `val`.

    >>> from autograd import Value
    >>> constant_([Value(1.0)], 0.5)[0].data
    0.5
    """
    values = _values(values, "constant_")
    val = number(val, "constant_: val")
    for v in values:
        v.data = val
    return values


def zeros_(values: Iterable[Value]) -> list[Value]:
    """Every value set to 0 (the default for biases)."""
    values = _values(values, "zeros_")
    return constant_(values, 0.0)


def xavier_uniform_(values: Iterable[Value], fan_in: int, fan_out: int, gain: float = 1.0,
                    seed: Seed = None) -> list[Value]:
    """Glorot & Bengio (2010): U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    >>> from autograd import Value
    >>> all(abs(v.data) <= 1 for v in xavier_uniform_([Value(0.0)] * 4, 3, 3, seed=0))
    True
    """
    values = _values(values, "xavier_uniform_")
    seed = as_rng(seed, "xavier_uniform_: seed")
    gain = nonnegative(gain, "xavier_uniform_: gain")
    bound = gain * math.sqrt(6.0 / _fans("xavier_uniform_", fan_in=fan_in, fan_out=fan_out))
    return uniform_(values, -bound, bound, seed)


def xavier_normal_(values: Iterable[Value], fan_in: int, fan_out: int, gain: float = 1.0,
                   seed: Seed = None) -> list[Value]:
    """Glorot & Bengio (2010): N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    >>> from autograd import Value
    >>> len(xavier_normal_([Value(0.0)] * 4, 2, 2, seed=0))
    4
    """
    values = _values(values, "xavier_normal_")
    seed = as_rng(seed, "xavier_normal_: seed")
    gain = nonnegative(gain, "xavier_normal_: gain")
    return normal_(values, 0.0, gain * math.sqrt(2.0 / _fans("xavier_normal_", fan_in=fan_in, fan_out=fan_out)), seed)


def kaiming_uniform_(values: Iterable[Value], fan_in: int, nonlinearity: Optional[str] = "relu",
                     seed: Seed = None) -> list[Value]:
    """He et al. (2015): U(-a, a) with a = gain * sqrt(3 / fan_in).

    >>> from autograd import Value
    >>> all(abs(v.data) <= 6 ** 0.5 for v in kaiming_uniform_([Value(0.0)] * 4, 1, seed=0))
    True
    """
    values = _values(values, "kaiming_uniform_")
    seed = as_rng(seed, "kaiming_uniform_: seed")
    gain = calculate_gain(nonlinearity, what="kaiming_uniform_: nonlinearity")
    bound = gain * math.sqrt(3.0 / _fans("kaiming_uniform_", fan_in=fan_in))
    return uniform_(values, -bound, bound, seed)


def kaiming_normal_(values: Iterable[Value], fan_in: int, nonlinearity: Optional[str] = "relu",
                    seed: Seed = None) -> list[Value]:
    """He et al. (2015): N(0, std**2) with std = gain / sqrt(fan_in).

    >>> from autograd import Value
    >>> len(kaiming_normal_([Value(0.0)] * 4, 2, seed=0))
    4
    """
    values = _values(values, "kaiming_normal_")
    seed = as_rng(seed, "kaiming_normal_: seed")
    gain = calculate_gain(nonlinearity, what="kaiming_normal_: nonlinearity")
    return normal_(values, 0.0, gain / math.sqrt(_fans("kaiming_normal_", fan_in=fan_in)), seed)


# Schemes a layer accepts by name: f(values, fan_in, fan_out, activation, rng).
SCHEMES = {
    "uniform": lambda vs, fi, fo, act, rng: uniform_(vs, -1.0, 1.0, rng),
    "zeros": lambda vs, fi, fo, act, rng: zeros_(vs),
    "xavier_uniform": lambda vs, fi, fo, act, rng: xavier_uniform_(vs, fi, fo, seed=rng),
    "xavier_normal": lambda vs, fi, fo, act, rng: xavier_normal_(vs, fi, fo, seed=rng),
    "kaiming_uniform": lambda vs, fi, fo, act, rng: kaiming_uniform_(vs, fi, act, rng),
    "kaiming_normal": lambda vs, fi, fo, act, rng: kaiming_normal_(vs, fi, act, rng),
}
ALIASES = {
    "micrograd": "uniform", "xavier": "xavier_uniform", "glorot": "xavier_uniform",
    "glorot_uniform": "xavier_uniform", "glorot_normal": "xavier_normal",
    "he": "kaiming_normal", "kaiming": "kaiming_normal",
    "he_uniform": "kaiming_uniform", "he_normal": "kaiming_normal",
}


def scheme(name: object, what: str = "init") -> str:
    """The canonical scheme name for `name` (aliases like 'he' resolved); ValueError if unknown.

    >>> scheme("he"), scheme("glorot")
    ('kaiming_normal', 'xavier_uniform')
    """
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a scheme name (str), got {type(name).__name__}: {short(name)}")
    name = ALIASES.get(name, name)
    if name not in SCHEMES:
        choices = ", ".join(list(SCHEMES) + list(ALIASES))
        raise ValueError(f"{what}: unknown init {short(name)}; choose one of {choices}")
    return name


def init_layer(weights: list[Value], fan_in: int, fan_out: int, activation_name: str, init: str,
               seed: Seed = None) -> list[Value]:
    """Initialize a layer's weights (all neurons, in order) with the scheme `init`."""
    SCHEMES[scheme(init)](weights, fan_in, fan_out, activation_name, as_rng(seed))
    return weights


def _values(values: Any, function: str) -> list[Value]:
    """`values` as a list of Values, every item checked before any is written.

    A list stays the same object (the functions return what they were given)."""
    if isinstance(values, Value):
        raise TypeError(f"{function}: values must be a list of Values, got a single Value (wrap it: [v])")
    try:
        items = values if isinstance(values, list) else list(values)
    except TypeError:
        raise TypeError(f"{function}: values must be a list of Values, got {type(values).__name__}") from None
    for i, v in enumerate(items):
        if not isinstance(v, Value):
            raise TypeError(f"{function}: values[{i}] is a {type(v).__name__} ({short(v)}), not a Value; "
                            "nothing was changed")
    return items


def _assign(values: list[Value], draws: list[float], function: str) -> list[Value]:
    """Write the draws into the values, once every draw is known to be finite."""
    if not all(map(math.isfinite, draws)):
        raise ValueError(f"{function}: the bounds are so large that a draw overflowed to inf; nothing was changed")
    for v, x in zip(values, draws):
        v.data = x
    return values


def _fans(function: str, **fans: int) -> int:
    for name, fan in fans.items():
        if isinstance(fan, bool) or not isinstance(fan, numbers.Integral) or not 1 <= fan <= MAX_SIZE:
            raise ValueError(f"{function}: {name} must be an int in [1, {MAX_SIZE:,}], got {short(fan)}")
    return sum(map(int, fans.values()))  # NumPy's ints too (a size read off an array's shape)
