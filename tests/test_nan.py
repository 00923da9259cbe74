"""NaN goes through every op (value and gradient), as in PyTorch: nothing swallows it."""
import math

import pytest
from compile_helpers import BACKENDS, compiled, dynamic

from autograd import Value, compile

NAN = float("nan")

UNARY = [
    ("relu", lambda v: v.relu()),
    ("leaky_relu", lambda v: v.leaky_relu()),
    ("leaky_relu(0.2)", lambda v: v.leaky_relu(0.2)),
    ("abs", lambda v: abs(v)),
    ("tanh", lambda v: v.tanh()),
    ("sigmoid", lambda v: v.sigmoid()),
    ("softplus", lambda v: v.softplus()),
    ("exp", lambda v: v.exp()),
    ("log", lambda v: v.log()),
    ("sqrt", lambda v: v.sqrt()),
    ("square", lambda v: v ** 2),
    ("power of a negative base", lambda v: Value(-2.0) ** v),
    ("dividing", lambda v: 3 / v),
]
# Linear ops: the value is nan, the derivative does not depend on x (PyTorch: the same).
LINEAR = [("times 2", lambda v: v * 2, 2.0), ("plus 1", lambda v: v + 1, 1.0), ("divided", lambda v: v / 4, 0.25)]


@pytest.mark.parametrize("name, f", UNARY, ids=[u[0] for u in UNARY])
def test_nan_in_gives_nan_out_and_a_nan_gradient(name, f):
    x = Value(NAN)
    y = f(x)
    assert math.isnan(y.data)
    y.backward()
    assert math.isnan(x.grad)


@pytest.mark.parametrize("name, f, slope", LINEAR, ids=[u[0] for u in LINEAR])
def test_linear_ops_keep_nan_and_their_constant_derivative(name, f, slope):
    x = Value(NAN)
    y = f(x)
    y.backward()
    assert math.isnan(y.data) and x.grad == slope


def test_relu_of_nan_is_nan_not_zero():
    x = Value(NAN)
    assert math.isnan(x.relu().data)
    # a bad input row shows up in the loss instead of training on silently
    w = Value(0.5)
    loss = sum(((w * xi).relu() - 1.0) ** 2 for xi in (1.0, NAN, 2.0))
    loss.backward()
    assert math.isnan(loss.data) and math.isnan(w.grad)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "abs"])
def test_compiled_relu_like_ops_pass_nan_on_as_the_engine_does(activation, backend):
    w = Value(0.5, label="w")

    def loss(xb, yb):
        return sum((getattr(w * x[0], activation)() - y) ** 2 for x, y in zip(xb, yb))

    step = compile(loss, params=[w], backend=backend)
    step([[1.0], [2.0]], [0.0, 1.0])  # traced on finite data
    got, want = compiled(step, [w], [[1.0], [NAN]], [0.0, 1.0]), dynamic(loss, [w], [[1.0], [NAN]], [0.0, 1.0])
    assert math.isnan(want[0]) and math.isnan(want[1][0])
    assert math.isnan(got[0]) and math.isnan(got[1][0])
