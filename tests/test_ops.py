"""Every op in the table: value against `math`, gradient against central differences."""
import math

import pytest

from autograd import Value
import autograd.ops as ops_module
from autograd.ops import Op
from op_table import OPS, cases, central_difference

CASES = list(cases())
IDS = [f"{name}{xs}" for name, _, _, xs in CASES]


@pytest.mark.parametrize("name,f,ref,xs", CASES, ids=IDS)
def test_value_matches_math(name, f, ref, xs):
    out = f(*[Value(x) for x in xs])
    assert isinstance(out, Value)
    assert out.data == pytest.approx(ref(*xs), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name,f,ref,xs", CASES, ids=IDS)
def test_gradient_matches_central_differences(name, f, ref, xs):
    leaves = [Value(x) for x in xs]
    f(*leaves).backward()
    for i, leaf in enumerate(leaves):
        expected = central_difference(ref, xs, i)
        assert leaf.grad == pytest.approx(expected, rel=1e-6, abs=1e-7), f"d{name}/dx{i}"


def test_every_primitive_has_a_row():
    """A new Op in autograd/ops.py must get a row in the table (tests/op_table.py)."""
    primitives = {op.name for op in vars(ops_module).values() if isinstance(op, Op)}
    exercised = set()
    for _, f, _, xs in CASES:
        out = f(*[Value(x) for x in xs])
        stack = [out]
        while stack:
            node = stack.pop()
            if node._op is not None:
                exercised.add(node._op.name)
            stack.extend(node._prev)
    assert primitives <= exercised, f"ops without a test row: {primitives - exercised}"


def test_table_names_are_unique():
    names = [row[0] for row in OPS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("x", [-1000.0, -40.0, 0.0, 40.0, 1000.0])
def test_sigmoid_is_stable(x):
    v = Value(x)
    s = v.sigmoid()
    s.backward()
    expected = 1 / (1 + math.exp(-x)) if x > -700 else 0.0
    assert math.isfinite(s.data) and s.data == pytest.approx(expected, abs=1e-300)
    assert math.isfinite(v.grad) and v.grad == pytest.approx(s.data * (1 - s.data))


@pytest.mark.parametrize("x", [-800.0, 800.0, 20.0])
def test_tanh_is_stable(x):
    v = Value(x)
    t = v.tanh()
    t.backward()
    assert t.data == pytest.approx(math.copysign(1.0, x))
    assert v.grad == 0.0 or v.grad == pytest.approx(1 - t.data ** 2)
    assert math.isfinite(v.grad)


@pytest.mark.parametrize("x", [-1000.0, 1000.0])
def test_softplus_is_stable(x):
    v = Value(x)
    s = v.softplus()
    s.backward()
    assert s.data == pytest.approx(max(x, 0.0))
    assert v.grad == pytest.approx(1.0 if x > 0 else 0.0)


def test_relu_derivative_at_zero_is_zero():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


def test_pow_derivative_at_zero_follows_pytorch():
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf
    y = Value(0.0)
    (y ** 0).backward()
    assert y.grad == 0.0
    base, exponent = Value(0.0), Value(2.0)
    (base ** exponent).backward()
    assert base.grad == 0.0 and exponent.grad == 0.0
