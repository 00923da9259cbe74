"""`Neuron`, `Layer` and `MLP`: micrograd's network, with selectable activations and init."""
from __future__ import annotations

import collections.abc
import numbers
from operator import mul
from typing import Any, Optional, Sequence, Union, cast

from autograd import Value

from ._check import parameter_count, positive_int
from ._seed import Seed, as_rng
from .activation import activation as _activation
from .init import init_layer, scheme
from .module import Module

MAX_LAYERS = 1000  # deeper than any scalar network trains; bounds what a loaded config can ask for


_UNORDERED = (collections.abc.Mapping, collections.abc.Set, str, bytes)
# One row of inputs: numbers or Values (a lone one where the module takes one input).
Row = Union[Sequence[Union[float, Value]], float, Value]
# A layer's or MLP's output: one Value, or a list of Values when it has several outputs. Typed
# Any (as torch's Module.__call__) so that `model(x).data` type-checks without a narrowing.
Output = Any


class Neuron(Module):
    """act(w . x + b) for `nin` inputs: weights `w` (list of Values), bias `b` (a Value).

    >>> n = Neuron(2, activation="linear", init="zeros")
    >>> n.w[0].data, n.w[1].data = 1.0, -2.0
    >>> n([3.0, 1.0]).data
    1.0
    """

    def __init__(self, nin: int, activation: Optional[str] = "relu", init: str = "uniform", seed: Seed = None) -> None:
        nin = positive_int(nin, "Neuron: nin")
        parameter_count(nin + 1, "Neuron")
        self.activation, self._act, _ = _activation(activation, "Neuron: activation")
        scheme(init, "Neuron: init")
        seed = as_rng(seed, "Neuron: seed")
        self.w = [Value(0.0) for _ in range(nin)]
        self.b = Value(0.0)
        init_layer(self.w, nin, 1, self.activation, init, seed)

    def __call__(self, x: Row) -> Value:
        return self._forward(_inputs(x, len(self.w), self))

    forward = __call__

    def _forward(self, x: list[Value]) -> Value:
        # micrograd's sum: one * and one + node per input, the engine's fastest ops.
        act = sum(map(mul, self.w, x), self.b)
        f = self._act
        return act if f is None else f(act)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments for `save`: nin and activation."""
        return {"nin": len(self.w), "activation": self.activation}

    def extra_repr(self) -> str:
        return f"{len(self.w)} -> 1, {self.activation}"


class Layer(Module):
    """`nout` neurons reading the same `nin` inputs; attribute `neurons`.

    Calling it returns a list of Values, or a single Value when `nout == 1` (as micrograd).

    >>> layer = Layer(3, 2, activation="tanh", init="xavier_uniform", seed=0)
    >>> len(layer([1.0, 2.0, 3.0])), len(layer.parameters())
    (2, 8)
    """

    def __init__(self, nin: int, nout: int, activation: Optional[str] = "relu", init: str = "uniform",
                 seed: Seed = None) -> None:
        nin, nout = positive_int(nin, "Layer: nin"), positive_int(nout, "Layer: nout")
        parameter_count((nin + 1) * nout, f"Layer({nin}, {nout})")
        _activation(activation, "Layer: activation")
        scheme(init, "Layer: init")  # fail before drawing anything
        rng = as_rng(seed, "Layer: seed")
        self.neurons = [Neuron(nin, activation, "zeros") for _ in range(nout)]
        self.activation = self.neurons[0].activation
        # One draw over the whole layer, neuron by neuron: micrograd's order, the layer's fans.
        init_layer([w for n in self.neurons for w in n.w], nin, nout, self.activation, init, rng)

    @property
    def nin(self) -> int:
        """The number of inputs."""
        return len(self.neurons[0].w)

    def __call__(self, x: Row) -> Output:
        out = self._forward(_inputs(x, self.nin, self))
        return out[0] if len(out) == 1 else out

    forward = __call__

    def _forward(self, x: list[Value]) -> list[Value]:
        return [n._forward(x) for n in self.neurons]

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments for `save`: nin, nout and activation."""
        return {"nin": self.nin, "nout": len(self.neurons), "activation": self.activation}

    def extra_repr(self) -> str:
        return f"{self.nin} -> {len(self.neurons)}, {self.activation}"

    def __repr__(self) -> str:
        return f"Layer({self.extra_repr()})"  # one line, not one per neuron


class MLP(Module):
    """A multi-layer perceptron: `nin` inputs, then one `Layer` per entry of `nouts`.

    `activation` is a name for every hidden layer (the last layer stays linear, as in
    micrograd) or a list with one name per layer. `init` names the weight scheme ('uniform'
    as micrograd, 'xavier_uniform', 'xavier_normal', 'kaiming_uniform', 'kaiming_normal',
    aliases 'xavier', 'he', ...); biases start at 0. `seed`: None draws from the global
    `random` module (so `random.seed(n)` reproduces, as in micrograd), or an int.

    >>> model = MLP(2, [16, 16, 1], seed=0)
    >>> type(model([1.0, -1.0])).__name__, len(model.parameters())
    ('Value', 337)
    """

    def __init__(self, nin: int, nouts: Union[int, Sequence[int]],
                 activation: Union[str, None, Sequence[Optional[str]]] = "relu", init: str = "uniform",
                 seed: Seed = None) -> None:
        nin = positive_int(nin, "MLP: nin")
        if isinstance(nouts, numbers.Integral):
            nouts = [cast(int, nouts)]  # mypy cannot name the type isinstance leaves here
        if not isinstance(nouts, (list, tuple)):
            raise TypeError(f"MLP: nouts must be a list of layer sizes, got {type(nouts).__name__}")
        if len(nouts) > MAX_LAYERS:
            raise ValueError(f"MLP: nouts has {len(nouts)} layers; at most {MAX_LAYERS} are allowed")
        nouts = [positive_int(n, "MLP: each entry of nouts") for n in nouts]
        if not nouts:
            raise ValueError("MLP needs at least one layer: nouts is empty")
        sizes = [nin] + nouts
        parameter_count(sum((a + 1) * b for a, b in zip(sizes, sizes[1:])), "MLP")
        if isinstance(activation, (list, tuple)):
            if len(activation) != len(nouts):
                raise ValueError(f"MLP: activation has {len(activation)} names for {len(nouts)} layers")
            activations = list(activation)
        else:
            activations = [activation] * (len(nouts) - 1) + ["linear"]
        for name in activations:  # check everything before drawing any random number
            _activation(name, "MLP: activation")
        scheme(init, "MLP: init")
        rng = as_rng(seed, "MLP: seed")
        self.layers = [Layer(sizes[i], sizes[i + 1], activations[i], init, rng) for i in range(len(nouts))]

    @property
    def nin(self) -> int:
        """The number of inputs."""
        return self.layers[0].nin

    def __call__(self, x: Row) -> Output:
        h = _inputs(x, self.layers[0].nin, self)
        for layer in self.layers:
            h = [n._forward(h) for n in layer.neurons]
        return h[0] if len(h) == 1 else h

    forward = __call__

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments for `save`: nin, nouts and one activation per layer."""
        return {"nin": self.nin, "nouts": [len(layer.neurons) for layer in self.layers],
                "activation": [layer.activation for layer in self.layers]}

    def extra_repr(self) -> str:
        nouts = [len(layer.neurons) for layer in self.layers]
        return f"{self.nin} -> {nouts}, {len(self.parameters())} parameters"

    @classmethod
    def from_torch(cls, source: Any, activation: Union[str, Sequence[str], None] = None) -> MLP:
        """A new MLP from a torch `Sequential` of Linear layers and activations, or from its
        `state_dict()` (then name the activations as for `MLP(...)`); see `nn.pytorch`."""
        from .pytorch import from_torch
        return from_torch(source, activation, cls)


def _inputs(x: Any, n: int, module: Module) -> list[Value]:
    """`x` as a list of n Values; a lone number or Value is accepted when n == 1."""
    if x.__class__ is not list and isinstance(x, _UNORDERED):
        # A dict would be read by its keys, a set in hash order, a str as characters.
        raise TypeError(f"{type(module).__name__} takes a list of {n} numbers or Values (one row), "
                        f"got {type(x).__name__}")
    try:
        size = len(x)
    except TypeError:
        if n == 1 and isinstance(x, (Value, numbers.Real)):
            x, size = [x], 1
        else:
            raise TypeError(f"{type(module).__name__} takes a list of {n} numbers or Values (one row), "
                            f"got {type(x).__name__}") from None
    if size != n:
        raise ValueError(f"{type(module).__name__} expects {n} input{'s' * (n != 1)}, got {size}"
                         + _batch_hint(x))
    # Wrap numbers once here, not once per neuron inside `w * x`: about 10% faster forward.
    try:
        return [v if v.__class__ is Value else Value(v) for v in x]
    except TypeError as e:  # Value() names the bad item; say which call it came from
        hint = _batch_hint(x)  # model(X) with as many rows as the model has inputs
        raise TypeError(f"{type(module).__name__}: input row: {e}" + (f"; got {size}{hint}" if hint else "")) from None


def _batch_hint(x: Any) -> str:
    """What to say when `x` looks like a batch of rows, not one row."""
    batch = len(x) and (isinstance(x[0], (list, tuple)) or getattr(x[0], "ndim", 0) == 1)
    return " rows: it takes one row at a time, [model(x) for x in X]" if batch else ""
