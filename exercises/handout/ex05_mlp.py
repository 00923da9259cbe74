"""Exercise 5: weight initialization; a neuron, a layer and an MLP, forward.

WHAT TO DO
From here on you build with chainrule's `Value` (`from autograd import Value`): your Value
of exercises 2-4, with more operations (tanh, exp, log, ...) and `backward()`.
1. `init_weights(fan_in, fan_out, scheme, rng)`: one row of `fan_in` random weights for each
   of `fan_out` neurons, drawn from `rng` (a `random.Random`) by one of three schemes.
2. `Neuron`: act(w . x + b), with act = tanh or nothing ("linear").
3. `Layer`: `nout` neurons that all read the same inputs; returns a list of `nout` Values.
4. `MLP(nin, nouts, rng)`: layers of sizes `nouts` one after the other (each reads the
   previous one's outputs); every layer uses tanh except the last, which stays linear (its
   outputs are raw scores for a loss). `parameters()` lists every weight and bias: layer by
   layer, neuron by neuron, each neuron's weights then its bias.

THE MATHS
    "uniform": U(-1, 1)                                       (micrograd; Var = 1/3)
    "xavier":  U(-a, a), a = sqrt(6 / (fan_in + fan_out))     (Var = 2 / (fan_in + fan_out))
    "he":      N(0, std**2), std = sqrt(2 / fan_in)           (Var = 2 / fan_in)
A neuron sums fan_in products, so its output's variance is about fan_in * Var(w) * Var(x):
Xavier keeps it near 1 for tanh; He doubles it because ReLU zeroes half of its inputs.
U(-a, a) has variance a**2 / 3. `rng.uniform(lo, hi)` and `rng.gauss(mean, std)` draw.

HINT
Compute with Values all along (`w * x`, `sum(...)`, `.tanh()`): never take `.data` in the
forward pass, or `backward()` cannot reach the weights. `sum` takes a start value as its
second argument: the bias is a good start.

HOW IT IS CHECKED
`python -m exercises check 5` measures the variance of 20,000 of your draws per scheme,
then copies the weights of a chainrule `nn.MLP` into yours and compares outputs and
gradients.

ПО-РУССКИ
Инициализация весов (uniform, Xavier, He), нейрон act(w·x + b), слой из nout нейронов и
многослойный перцептрон: скрытые слои с tanh, последний линейный. Считайте только со
Value (без .data), иначе backward() не доберётся до весов.
"""
import math  # noqa: F401  (you will need it)

from autograd import Value


def init_weights(fan_in, fan_out, scheme, rng):
    """`fan_out` lists of `fan_in` floats, drawn from `rng` by `scheme` ("uniform", "xavier", "he")."""
    raise NotImplementedError


class Neuron:
    """act(w . x + b) for len(weights) inputs; act is "tanh" or "linear" (none)."""

    def __init__(self, weights, activation="tanh"):
        self.w = [Value(x) for x in weights]
        self.b = Value(0.0)
        self.activation = activation

    def __call__(self, x):
        """x: a list of numbers or Values -> one Value."""
        raise NotImplementedError

    def parameters(self):
        """The weights, then the bias: a list of Values."""
        raise NotImplementedError


class Layer:
    """`nout` neurons reading the same `nin` inputs."""

    def __init__(self, nin, nout, rng, activation="tanh", init="xavier"):
        self.neurons = [Neuron(row, activation) for row in init_weights(nin, nout, init, rng)]

    def __call__(self, x):
        """x: `nin` numbers or Values -> a list of `nout` Values."""
        raise NotImplementedError

    def parameters(self):
        """Every neuron's parameters, neuron by neuron."""
        raise NotImplementedError


class MLP:
    """`nin` inputs, then one Layer per entry of `nouts`: tanh, ..., tanh, linear."""

    def __init__(self, nin, nouts, rng, init="xavier"):
        raise NotImplementedError

    def __call__(self, x):
        """x: `nin` numbers or Values -> the last layer's list of Values."""
        raise NotImplementedError

    def parameters(self):
        """Every layer's parameters, layer by layer."""
        raise NotImplementedError
