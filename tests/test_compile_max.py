"""compile: the `max` op and running maxima agree with the engine, in Python and array code."""
import importlib.util
import math

import pytest
from compile_helpers import BACKENDS, assert_close, compiled, dynamic

import nn
from autograd import Value, compile

INF = math.inf
numpy_only = pytest.mark.skipif(importlib.util.find_spec("numpy") is None, reason="NumPy is not installed")
ALL = BACKENDS + [pytest.param("torch", marks=pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="PyTorch is not installed"))]


def _biased_cross_entropy(bias):
    def fn(rows, targets):  # the logits are the inputs plus a bias, so they reach the parameters
        return nn.cross_entropy([[x + b for x, b in zip(row, bias)] for row in rows], targets)
    return fn


@pytest.mark.parametrize("backend", ALL)
def test_cross_entropy_with_logits_far_apart_compiled(backend):
    # where m + relu(x - m) was not the maximum: compiled code must take the same one
    bias = [Value(0.0), Value(0.5), Value(-0.25)]
    fn = _biased_cross_entropy(bias)
    xb = [[-1e19, 710.0, 3.0], [-1e300, 1e5, 0.0], [-1e300, -3.7e18, -1e300], [-INF, 0.0, 1.0],
          [2.0, 2.0, 1.0], [0.5, -0.5, 0.25]]
    yb = [1, 0, 1, 1, 0, 2]
    step = compile(fn, bias, backend=backend)
    want = dynamic(fn, bias, xb, yb)
    assert math.isfinite(want[0]) and want[0] > 1e299
    got = compiled(step, bias, xb, yb)
    assert_close(got, want)
    assert backend != "python" or got == want  # the Python code adds in the engine's order
    for rows in (xb[3:], [[1.0, 1.0, 1.0]] * 3):  # other data, same code
        assert_close(compiled(step, bias, rows, yb[:len(rows)]), dynamic(fn, bias, rows, yb[:len(rows)]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_running_maximum_sends_its_gradient_to_the_first_largest(backend):
    w = [Value(1.0), Value(1.0), Value(1.0)]

    def fn(rows, targets):  # the maximum itself is the loss: its gradient does not cancel
        total = Value(0.0)
        for row in rows:
            m = w[0] * row[0]
            for wk, x in zip(w[1:], row[1:]):
                m = m.maximum(wk * x)
            total = total + m
        return total
    step = compile(fn, w, backend=backend)
    xb = [[2.0, 2.0, 1.0], [1.0, 3.0, 3.0], [0.0, -1.0, 5.0], [4.0, 4.0, 4.0]]
    got = compiled(step, w, xb, [0.0] * 4)
    assert got == dynamic(fn, w, xb, [0.0] * 4) == (14.0, [6.0, 3.0, 5.0])
    if backend == "numpy":
        assert "= row_max(" in step.source and "running maxima m = max(m, x)" in step.source


@numpy_only
def test_a_running_maximum_built_from_relu_is_still_one_row_maximum():
    bias = [Value(0.0), Value(0.5), Value(-0.25)]

    def fn(rows, targets):  # user code that shifts logits as nn did: m = m + relu(x - m)
        losses = []
        for row, t in zip(rows, targets):
            logits = [x + b for x, b in zip(row, bias)]
            m = logits[0]
            for x in logits[1:]:
                m = m + (x - m).relu()
            shifted = [x - m for x in logits]
            losses.append(sum(s.exp() for s in shifted).log() - shifted[t])
        return sum(losses)
    step = compile(fn, bias, backend="numpy")
    xb, yb = [[1.0, 3.0, -2.0], [0.5, 0.5, 4.0], [-1.0, -3.0, -2.0]], [0, 2, 1]
    assert_close(compiled(step, bias, xb, yb), dynamic(fn, bias, xb, yb))
    assert "= row_max(" in step.source and "m = m + relu(x - m)" in step.source


@pytest.mark.parametrize("backend", ALL)
@pytest.mark.parametrize("other, code", [(lambda b: b, "last_max("), (lambda b: b.tanh(), " = maximum("),
                                         (lambda b: 0.25, ", 0.25)")])
def test_elementwise_maximum_of_two_layers_compiled(backend, other, code):
    model_a, model_b = nn.MLP(2, [3], seed=0), nn.MLP(2, [3], seed=1)
    params = model_a.parameters() + model_b.parameters()

    def fn(rows, targets):  # a maximum of pairs: of one group's columns, or of two groups
        return sum(sum(a.maximum(other(b)) for a, b in zip(model_a(row), model_b(row))) for row in rows)
    step = compile(fn, params, backend=backend)
    xb = [[0.3, -1.2], [2.0, 0.5], [-0.7, -0.1], [1.5, -2.5]]
    assert_close(compiled(step, params, xb, [0.0] * 4), dynamic(fn, params, xb, [0.0] * 4))
    if backend == "numpy":
        assert code in step.source


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_maximum_over_the_batch_compiles(backend):
    w = Value(2.0)

    def fn(rows, targets):  # not a sum: the reduction is the maximum of the samples' outputs
        m = w * rows[0][0]
        for row in rows[1:]:
            m = m.maximum(w * row[0])
        return m
    step = compile(fn, [w], backend=backend)
    for xb in ([[1.0], [2.0], [0.5], [-1.0]], [[0.5], [-3.0], [1.5]], [[1.0], [4.0], [4.0]]):
        ys = [0.0] * len(xb)
        assert compiled(step, [w], xb, ys) == dynamic(fn, [w], xb, ys)
    assert compiled(step, [w], [[1.0], [4.0], [2.0]], [0.0] * 3) == (8.0, [4.0])


@pytest.mark.parametrize("backend", ALL)
def test_a_nan_input_to_max_makes_every_gradient_nan_as_in_the_engine(backend):
    # Found by a trial: array code gave the first largest (the NaN) the gradient and the
    # other input 0, where the engine's max gives both NaN
    a, b = Value(1.0), Value(1.0)
    fns = [lambda xb, yb: sum((a * x[0]).maximum(b * x[1]) for x in xb),
           lambda xb, yb: sum((a * x[0]).maximum(b * x[1]).maximum(a * b * x[0]) for x in xb)]
    for fn in fns:
        step = compile(fn, [a, b], backend=backend)
        for xb in ([[math.nan, 1.0], [2.0, 3.0]], [[1.0, math.nan], [2.0, 3.0]], [[2.0, 1.0], [2.0, 3.0]]):
            loss, grads = compiled(step, [a, b], xb, [0.0, 0.0])
            want_loss, want = dynamic(fn, [a, b], xb, [0.0, 0.0])
            assert [math.isnan(g) for g in grads] == [math.isnan(g) for g in want]
            assert math.isnan(loss) == math.isnan(want_loss)
            if not math.isnan(want_loss):
                assert_close((loss, grads), (want_loss, want))
