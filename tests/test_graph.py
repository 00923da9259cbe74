"""Backward, grad (including higher order), no_grad and the traversal."""
import math
import sys

import pytest

from autograd import Value, enable_grad, grad, is_grad_enabled, no_grad, topological_order


def test_leaves_accumulate_interior_nodes_show_latest_pass():
    # micrograd gets this wrong: its second backward feeds stale interior grads back in.
    a, b = Value(3.0), Value(2.0)
    c = a * b
    d = c + a
    d.backward()
    d.backward()
    assert (a.grad, b.grad) == (6.0, 6.0)
    assert (c.grad, d.grad) == (1.0, 1.0)


def test_backward_from_a_leaf():
    x = Value(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_backward_counts_a_grad_of_none_as_zero():
    x = Value(2.0)
    x.zero_grad(set_to_none=True)
    x.backward(3.0)  # a leaf root: the walk starts it from 0
    assert x.grad == 3.0
    y = Value(3.0)
    z = x * y
    y.grad = z.grad = None
    z.backward()
    assert (x.grad, y.grad, z.grad) == (3.0 + 3.0, 2.0, 1.0)


def test_backward_over_shared_subgraphs_and_graphs_walked_before():
    # backward marks what it has placed inside .grad itself: values reached along many
    # paths, and values an earlier backward walked, must each be placed once, after all
    # their consumers.
    x, w = Value(0.7), Value(-1.3)
    h = (x * w).tanh()  # used by every term below, at different depths
    terms = [h]
    for k in range(1, 6):
        terms.append(terms[-1] * h + h * float(k))
    y1 = terms[2] * x
    y1.backward()  # walks part of the graph first
    y2 = sum(terms, h) * terms[3]
    x.grad = w.grad = None
    y2.backward()
    inner = [h, terms[2], terms[3]]
    expected = grad(y2, [x, w, *inner])  # the reference: grad()'s own walk, with a dict
    assert [x.grad, w.grad] + [v.grad for v in inner] == pytest.approx(expected, rel=1e-12)

    def f(xv, wv):
        hv = math.tanh(xv * wv)
        ts = [hv]
        for k in range(1, 6):
            ts.append(ts[-1] * hv + hv * k)
        return (hv + sum(ts)) * ts[3]
    eps = 1e-6
    assert x.grad == pytest.approx((f(0.7 + eps, -1.3) - f(0.7 - eps, -1.3)) / (2 * eps), rel=1e-6)
    assert w.grad == pytest.approx((f(0.7, -1.3 + eps) - f(0.7, -1.3 - eps)) / (2 * eps), rel=1e-6)


def test_deep_chain_has_no_recursion_limit():
    x = Value(1.0)
    k = Value(1.0 - 1e-7)
    y = x
    n = 1_000_000
    assert n > sys.getrecursionlimit() * 100
    for _ in range(n):
        y = y * k
    y.backward()
    assert x.grad == pytest.approx(k.data ** n, rel=1e-9)
    assert k.grad == pytest.approx(n * k.data ** (n - 1), rel=1e-6)


def test_topological_order_puts_inputs_first_and_is_deterministic():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    position = {v: i for i, v in enumerate(order)}
    for node in order:
        for parent in node._prev:
            assert position[parent] < position[node]
    assert order[-1] is e and len(order) == len(set(order))
    assert [v.data for v in order] == [v.data for v in topological_order(e)]
    assert all(not v.is_leaf for v in topological_order(e, leaves=False))


def test_no_grad_records_nothing_and_restores_state():
    x = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        y = x * x + 1
        with enable_grad():
            z = x * x
    assert is_grad_enabled()
    assert y.is_leaf and not z.is_leaf
    with pytest.raises(RuntimeError):
        with no_grad():
            raise RuntimeError("boom")
    assert is_grad_enabled()


def test_no_grad_as_decorator_including_recursion():
    @no_grad()
    def square(v, depth=2):
        assert not is_grad_enabled()
        return v * v if depth == 0 else square(v, depth - 1)

    assert square(Value(3.0)).is_leaf
    assert is_grad_enabled()


def test_a_decorated_generator_runs_its_body_in_the_mode_and_the_caller_in_its_own():
    x = Value(3.0)

    @no_grad()
    def powers(n):
        for k in range(1, n + 1):
            sent = yield x ** k, is_grad_enabled()
            assert sent is None and not is_grad_enabled()
        return "done"

    made = []
    for value, mode in powers(2):
        made.append((value.is_leaf, mode, is_grad_enabled()))
    assert made == [(True, False, True), (True, False, True)]

    gen = powers(1)
    next(gen)
    with pytest.raises(ValueError):  # thrown in: raised inside the body, in no_grad
        gen.throw(ValueError("stop"))
    assert is_grad_enabled()

    @enable_grad()
    def recorded():
        yield x * 2
    with no_grad():
        assert not next(recorded()).is_leaf and not is_grad_enabled()
    assert list(powers(0)) == [] and is_grad_enabled()


def test_grad_returns_gradients_without_touching_dot_grad():
    x, y = Value(2.0), Value(-1.0)
    out = x * y + x.exp()
    gx, gy = grad(out, [x, y])
    assert gx == pytest.approx(-1.0 + math.exp(2.0)) and gy == 2.0
    assert x.grad == 0.0 and y.grad == 0.0 and out.grad == 0.0
    (gx_only,) = grad(out, x)
    assert gx_only == gx


def test_grad_of_unreachable_input_is_zero():
    x, unused = Value(1.0), Value(5.0)
    assert grad(x * 2, [unused]) == (0.0,)


def test_grad_rejects_non_values():
    with pytest.raises(TypeError, match="output"):
        grad(1.0, [Value(1.0)])
    with pytest.raises(TypeError, match="input 1"):
        grad(Value(1.0), [Value(1.0), 2.0])
    with pytest.raises(TypeError, match=r"topological_order\(leaves=...\) must be True or False"):
        topological_order(Value(1.0) * 2, leaves="no")
    for inputs in (None, 3.0):  # not a list at all: the message names grad() and its inputs
        with pytest.raises(TypeError, match=r"grad\(\) inputs must be a Value or a list"):
            grad(Value(1.0), inputs)


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


SECOND_DERIVATIVES = [
    ("tanh", lambda v: v.tanh(), lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2)),
    ("cube", lambda v: v ** 3, lambda x: 6 * x),
    ("x_exp_x", lambda v: v * v.exp(), lambda x: (x + 2) * math.exp(x)),
    ("sigmoid", lambda v: v.sigmoid(), lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x))),
    ("log", lambda v: v.log(), lambda x: -1 / x ** 2),
    ("pow_value", lambda v: v ** v, lambda x: x ** x * ((math.log(x) + 1) ** 2 + 1 / x)),
]


@pytest.mark.parametrize("name,f,d2", SECOND_DERIVATIVES, ids=[r[0] for r in SECOND_DERIVATIVES])
@pytest.mark.parametrize("x0", [0.3, 1.7])
def test_second_derivatives_match_closed_forms(name, f, d2, x0):
    x = Value(x0)
    (dx,) = grad(f(x), [x], create_graph=True)
    assert isinstance(dx, Value)
    (d2x,) = grad(dx, [x])
    assert d2x == pytest.approx(d2(x0), rel=1e-9)


def test_mixed_second_derivatives_of_two_variables():
    # f = x**2 y + x e**y: f_xx = 2y, f_xy = f_yx = 2x + e**y, f_yy = x e**y
    x, y = Value(1.3), Value(-0.4)
    f = x ** 2 * y + x * y.exp()
    fx, fy = grad(f, [x, y], create_graph=True)
    fxx, fxy = grad(fx, [x, y])
    fyx, fyy = grad(fy, [x, y])
    assert fxx == pytest.approx(2 * y.data)
    assert fxy == pytest.approx(2 * x.data + math.exp(y.data))
    assert fyx == pytest.approx(fxy)
    assert fyy == pytest.approx(x.data * math.exp(y.data))


def test_create_graph_gradients_can_be_backpropagated():
    x = Value(0.8)
    (dx,) = grad(x.tanh(), [x], create_graph=True)
    dx.backward()
    assert x.grad == pytest.approx(-2 * math.tanh(0.8) * (1 - math.tanh(0.8) ** 2))


def test_grad_works_inside_no_grad_and_restores_mode():
    x = Value(2.0)
    y = x ** 3
    with no_grad():
        (dx,) = grad(y, [x], create_graph=True)
        assert not is_grad_enabled()
    assert grad(dx, [x]) == (12.0,)


def test_topological_order_rejects_non_values():
    with pytest.raises(TypeError, match="float"):
        topological_order(1.0)


@pytest.mark.parametrize("flag", ["no", 1, None])
def test_grad_create_graph_must_be_a_bool(flag):
    x = Value(2.0)
    with pytest.raises(TypeError, match=r"grad\(create_graph=\.\.\.\) must be True or False"):
        grad(x * x, [x], create_graph=flag)
