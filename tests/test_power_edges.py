"""x ** y at its edges: a zero exponent, a zero base, -inf, and second derivatives there."""
import math

import pytest

from autograd import Value, grad

INF = math.inf


@pytest.mark.parametrize("base", [0.0, -0.0, 5e-324, math.nan])
def test_a_zero_value_exponent_gives_the_base_a_zero_gradient(base):
    # x ** 0 is 1 for every x: as x ** 0 with a constant 0, and PyTorch (not 0 * inf = nan)
    x, y = Value(base), Value(0.0)
    out = x ** y
    out.backward()
    assert out.data == 1.0 and x.grad == 0.0
    constant = Value(base)
    (constant ** 0).backward()
    assert constant.grad == x.grad


def test_x_to_the_value_one_has_second_derivative_zero_at_zero():
    x = Value(0.0)
    (d1,) = grad(x ** Value(1.0), [x], create_graph=True)
    assert d1.data == 1.0 and grad(d1, [x]) == (0.0,)


@pytest.mark.parametrize("f, x, first, second", [
    (lambda v: v.sqrt(), 0.0, INF, -INF),               # 0.5 x**-0.5, -0.25 x**-1.5
    (lambda v: v ** Value(0.5), 0.0, INF, -INF),
    (lambda v: v ** -1, 1e-300, -INF, INF),              # -x**-2 overflows, 2 x**-3 too
    (lambda v: v ** -0.5, 1e-300, -INF, INF),
])
def test_second_derivatives_are_infinite_where_backward_is_not_an_error(f, x, first, second):
    # backward() gives the first derivative as inf here; create_graph must not raise instead
    v = Value(x)
    f(v).backward()
    assert v.grad == first
    (d1,) = grad(f(v), [v], create_graph=True)
    assert d1.data == first
    assert grad(d1, [v]) == (second,)


def test_second_derivatives_at_the_edges_match_torch():
    torch = pytest.importorskip("torch")
    for f, x in [(lambda v: v.sqrt(), 0.0), (lambda v: v ** -1, 1e-300), (lambda v: v ** 0.5, 0.0)]:
        v = Value(x)
        (d1,) = grad(f(v), [v], create_graph=True)
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        (t1,) = torch.autograd.grad(f(t), t, create_graph=True)
        (t2,) = torch.autograd.grad(t1, t)
        assert (d1.data, grad(d1, [v])[0]) == (t1.item(), t2.item())


@pytest.mark.parametrize("exponent", [0.5, -0.5, 2.5, -2.5])
def test_minus_inf_to_a_fractional_power_is_real_as_in_python(exponent):
    x = Value(-INF)
    out = x ** exponent
    assert out.data == (-INF) ** exponent
    assert (Value(-INF) ** Value(exponent)).data == out.data


def test_sqrt_is_correctly_rounded_as_math_sqrt_where_pow_is_not():
    x = 1.6488860867869182e-120  # x ** 0.5 (C pow) is 1 ulp from the true square root here
    assert x ** 0.5 != math.sqrt(x)
    assert Value(x).sqrt().data == math.sqrt(x)
    assert (Value(x) ** 0.5).data == (Value(x) ** Value(0.5)).data == math.sqrt(x)
    assert math.copysign(1.0, Value(-0.0).sqrt().data) == -1.0  # sqrt(-0.0) is -0.0, as math and torch


def test_sqrt_is_math_sqrt_across_the_float_range():
    import random
    rng = random.Random(0)
    xs = [math.ldexp(rng.random(), rng.randint(-1070, 1023)) for _ in range(20000)]
    assert [Value(x).sqrt().data for x in xs] == [math.sqrt(x) for x in xs]


@pytest.mark.parametrize("base, exponent, slope", [
    (-0.0, 1e-17, -INF), (0.0, 1e-17, INF),     # exponent - 1 is -1.0: an odd power keeps the sign of zero
    (-0.0, Value(1e-17), -INF),
])
def test_the_slope_at_a_signed_zero_has_the_sign_pow_gives(base, exponent, slope):
    x = Value(base)
    (x ** exponent).backward()
    assert x.grad == slope
    torch = pytest.importorskip("torch")
    t = torch.tensor(base, dtype=torch.float64, requires_grad=True)
    (t ** (exponent.data if isinstance(exponent, Value) else exponent)).backward()
    assert t.grad.item() == slope
