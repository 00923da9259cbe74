"""Helpers shared by the compile tests: run a function both ways and compare."""
import importlib.util
import math

import pytest

from autograd import Value, grad

BACKENDS = ["python", pytest.param("numpy", marks=pytest.mark.skipif(
    importlib.util.find_spec("numpy") is None, reason="NumPy is not installed"))]


def dynamic(fn, params, xb, yb):
    """Loss and gradients from the engine itself (nobody's .grad changes)."""
    out = fn([[Value(float(x)) for x in row] for row in xb], list(yb))
    return out.data, list(grad(out, params))


def compiled(step, params, xb, yb):
    """Loss and the gradients one call of `step` adds, starting from zero."""
    for p in params:
        p.grad = 0.0
    loss = step(xb, yb)
    return loss, [p.grad for p in params]


def assert_close(got, want, rel=1e-12):
    (loss, grads), (loss_d, grads_d) = got, want
    scale = max([1.0, abs(loss_d)] + [abs(g) for g in grads_d])
    for a, b in zip([loss] + grads, [loss_d] + grads_d):
        assert math.isclose(a, b, rel_tol=rel, abs_tol=rel * scale), (a, b)


def mean(values):
    values = list(values)
    return sum(values) * (1.0 / len(values))
