"""Division is its own primitive: a / b is the correctly rounded float, as Python gives it."""
import math
import random

import pytest
from compile_helpers import BACKENDS, assert_close, compiled, dynamic

from autograd import Value, compile, grad


def _random_floats(n, seed):
    rng = random.Random(seed)
    return [rng.choice((-1.0, 1.0)) * rng.uniform(0.5, 1.0) * 2.0 ** rng.randint(-60, 60) for _ in range(n)]


def test_random_quotients_equal_pythons_exactly():
    a_s, b_s = _random_floats(3000, 1), _random_floats(3000, 2)
    for a, b in zip(a_s, b_s):
        assert (Value(a) / Value(b)).data == a / b
        assert (Value(a) / b).data == a / b
        assert (a / Value(b)).data == a / b


def test_x_over_x_is_exactly_one():
    for x in _random_floats(3000, 3) + [49.0, 0.1, 3.0, 1e-300, 1e300]:
        v = Value(x)
        assert (v / v).data == 1.0


def test_the_issue_example_does_not_flip_a_relu():
    x = Value(49.0)
    q = x / x
    r = (1 - q).relu()
    r.backward()
    assert (r.data, x.grad) == (0.0, 0.0)


def test_division_is_one_node_with_its_local_derivatives():
    a, b = Value(3.0), Value(-4.0)
    q = a / b
    assert q.op == "/" and q._prev == (a, b)
    q.backward()
    assert a.grad == 1.0 / -4.0
    assert math.isclose(b.grad, -3.0 / 16.0, rel_tol=1e-15)
    assert (3 / b).op == "/" and (3 / b)._prev[1] is b  # reflected: 3 is a constant leaf


@pytest.mark.parametrize("a, b", [(0.3, 0.7), (-2.5, 0.4), (7.0, -3.0)])
def test_create_graph_gradients_of_a_quotient(a, b):
    x, y = Value(a), Value(b)
    dx, dy = grad(x / y, [x, y], create_graph=True)
    assert dx.data == 1.0 / b  # also exact: the derivative is itself a division
    assert math.isclose(dy.data, -a / b ** 2, rel_tol=1e-15)
    # second derivatives: d2/dy2 (x/y) = 2x/y^3, d2/dxdy = -1/y^2
    (dyy,) = grad(dy, [y])
    (dxy,) = grad(dx, [y])
    assert math.isclose(dyy, 2 * a / b ** 3, rel_tol=1e-14)
    assert math.isclose(dxy, -1 / b ** 2, rel_tol=1e-14)


def test_division_by_zero_is_clear_and_changes_nothing():
    x = Value(2.0)
    with pytest.raises(ZeroDivisionError, match=r"division by zero: 2\.0 / 0\.0"):
        x / 0
    with pytest.raises(ZeroDivisionError, match=r"division by zero: \(-1\.0\) / 0\.0"):
        -1 / Value(0.0)
    assert (x.data, x.grad, x.is_leaf) == (2.0, 0.0, True)


@pytest.mark.parametrize("backend", BACKENDS)
def test_compiled_division_equals_the_dynamic_engine_exactly(backend):
    w, c = Value(0.7, label="w"), Value(-1.3, label="c")
    rng = random.Random(4)

    def loss(xb, yb):
        return sum((w / x[0] + x[1] / c - 3 / (w + x[1]) - y) ** 2 for x, y in zip(xb, yb)) / len(xb)

    step = compile(loss, params=[w, c], backend=backend)
    for _ in range(5):
        xb = [[rng.uniform(0.5, 2.0), rng.uniform(0.5, 2.0)] for _ in range(6)]
        yb = [rng.uniform(-1.0, 1.0) for _ in range(6)]
        got, want = compiled(step, [w, c], xb, yb), dynamic(loss, [w, c], xb, yb)
        assert got[0] == want[0]  # the same divisions, each rounded once
        assert_close(got, want)  # gradients are summed in another order
    assert " / " in step.source
