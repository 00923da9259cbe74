"""Property tests: random expression graphs, gradients vs central differences."""
import math

from hypothesis import given, settings, strategies as st

from autograd import Value, grad, gradcheck

# Ops that are smooth and defined everywhere (kinks and domains are covered in test_ops).
UNARY = [
    lambda v: v.tanh(), lambda v: v.sigmoid(), lambda v: v.softplus(),
    lambda v: v * 0.5, lambda v: -v, lambda v: v ** 2, lambda v: (v * 0.3).exp(),
]
BINARY = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b,
          lambda a, b: a / (b * b + 1.0)]


@st.composite
def programs(draw):
    """A random straight-line program over 3 inputs: a list of (op, argument indices)."""
    steps = []
    for k in range(draw(st.integers(1, 12))):
        available = 3 + k
        if draw(st.booleans()):
            steps.append(("u", draw(st.integers(0, len(UNARY) - 1)), draw(st.integers(0, available - 1)), None))
        else:
            i, j = draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1))
            steps.append(("b", draw(st.integers(0, len(BINARY) - 1)), i, j))
    return steps


def run(program, *inputs):
    values = list(inputs)
    for kind, op, i, j in program:
        values.append(UNARY[op](values[i]) if kind == "u" else BINARY[op](values[i], values[j]))
    return values[-1] * 1.0  # always a computed Value, even for a one-step program of inputs


inputs = st.floats(-2.0, 2.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(programs(), inputs, inputs, inputs)
def test_random_graphs_match_central_differences(program, a, b, c):
    assert gradcheck(lambda *v: run(program, *v), [a, b, c], atol=1e-5, rtol=1e-4)


@settings(max_examples=100, deadline=None)
@given(programs(), inputs, inputs, inputs)
def test_backward_equals_grad_and_repeated_backward_doubles(program, a, b, c):
    xs = [Value(a), Value(b), Value(c)]
    out = run(program, *xs)
    expected = grad(out, xs)
    out.backward()
    # The same contributions, added in another order: equal up to rounding. A gradient can
    # be a sum of terms of size ~1 that cancel, so the tolerance is absolute as well.
    for x, g in zip(xs, expected):
        assert math.isclose(x.grad, g, rel_tol=1e-9, abs_tol=1e-12)
    out.backward()
    for x, g in zip(xs, expected):
        assert math.isclose(x.grad, 2 * g, rel_tol=1e-9, abs_tol=1e-12)
