"""Value: construction, conversion, repr, identity, and clear errors that change nothing."""
import math
from fractions import Fraction

import pytest

from autograd import Value


def test_readme_example():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b + b ** 2
    c.label = "c"
    c.backward()
    assert (a.grad, b.grad) == (-3.0, -4.0)
    assert repr(c) == "Value(data=3.0, grad=1.0, label='c')"


@pytest.mark.parametrize("data", [3, True, Fraction(1, 4), 2.5, -0.0])
def test_real_numbers_become_floats(data):
    v = Value(data)
    assert type(v.data) is float and v.data == float(data)
    assert float(v) == v.data


@pytest.mark.parametrize("data", ["3", None, 1 + 2j, [1.0], Value(1.0)])
def test_non_real_data_is_a_type_error_naming_it(data):
    with pytest.raises(TypeError, match=type(data).__name__ if not isinstance(data, Value) else "Value"):
        Value(data)


@pytest.mark.parametrize("make", [lambda big: Value(big), lambda big: Value(1.0) + big,
                                  lambda big: big * Value(1.0), lambda big: Value(Fraction(big, 3)),
                                  lambda big: Value(1.0) ** big])
def test_a_number_too_large_for_a_float_says_which(make):
    with pytest.raises(OverflowError, match=r"(Value\(data\)|a number combined with a Value|v \*\* n: the exponent): "
                                            r"(Fraction\()?1000.*\(4[01][0-9] characters\) is too large for a float"):
        make(10 ** 400)


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


def test_repr_is_short_and_shows_label_only_when_set():
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"
    assert repr(Value(1.5, label="w")) == "Value(data=1.5, grad=0.0, label='w')"


def test_values_hash_by_identity_and_do_not_compare_by_data():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b, a}) == 2


def test_unknown_operand_types_raise_type_error():
    v = Value(1.0)
    for bad in ("x", None, [1], 1j):
        with pytest.raises(TypeError):
            v + bad
        with pytest.raises(TypeError):
            bad * v
        with pytest.raises(TypeError):
            v ** bad
    with pytest.raises(TypeError):
        "2" ** v


def test_op_names_record_how_a_value_was_made():
    x = Value(2.0)
    assert x.is_leaf and x.op == ""
    assert (x * x).op == "*" and (x + 1).op == "+" and (x ** 2).op == "**2"
    assert (x ** x).op == "**" and x.tanh().op == "tanh" and x.leaky_relu(0.2).op == "leaky_relu(0.2)"
    y = x * 3
    assert y._prev[0] is x and y._prev[1].data == 3.0  # inputs in argument order
    assert (3 - x)._prev[0].data == 3.0


def test_same_input_twice_counts_twice():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0
    d = Value(3.0)
    (d * d).backward()
    assert d.grad == 6.0


def _snapshot(*values):
    return [(v.data, v.grad, v._prev, v._local) for v in values]


@pytest.mark.parametrize(
    "make,error,words",
    [
        (lambda x, y: Value(0.0).log(), ValueError, ["log", "0.0"]),
        (lambda x, y: (x * -1).log(), ValueError, ["log", "-2.0"]),
        (lambda x, y: Value(-8.0) ** 0.5, ValueError, ["-8.0", "0.5"]),
        (lambda x, y: Value(-8.0) ** y, ValueError, ["-8.0", "0.5"]),
        (lambda x, y: x / 0, ZeroDivisionError, ["division by zero"]),
        (lambda x, y: 1 / Value(0.0), ZeroDivisionError, ["division by zero"]),
        (lambda x, y: Value(0.0) ** -1, ZeroDivisionError, ["0.0", "-1"]),
        (lambda x, y: Value(1000.0).exp(), OverflowError, ["exp", "1000.0"]),
        (lambda x, y: Value(1e200) ** 2, OverflowError, ["1e+200"]),
    ],
)
def test_math_errors_are_clear_and_change_nothing(make, error, words):
    x, y = Value(2.0), Value(0.5)
    z = x * y
    z.backward()
    before = _snapshot(x, y, z)
    with pytest.raises(error) as info:
        make(x, y)
    for word in words:
        assert word in str(info.value)
    assert _snapshot(x, y, z) == before


def test_bad_backward_seed_changes_nothing():
    x = Value(2.0)
    y = x * x
    y.backward()
    with pytest.raises(TypeError, match="str"):
        y.backward(grad="1")
    assert (x.grad, y.grad) == (4.0, 1.0)


def test_detach_makes_a_leaf_with_the_same_data():
    x = Value(2.0, label="x")
    y = (x * 3).detach()
    assert y.is_leaf and y.data == 6.0
    (y * x).backward()
    assert x.grad == 6.0 and y.grad == 2.0


def test_backward_with_seed_scales_gradients():
    x = Value(1.5)
    (x * x).backward(grad=2)
    assert x.grad == 6.0


def test_zero_grad_resets():
    x = Value(1.0)
    (x * 4).backward()
    x.zero_grad()
    assert x.grad == 0.0


def test_python_sum_and_builtins_work():
    xs = [Value(float(i)) for i in range(1, 4)]
    s = sum(xs)
    s.backward()
    assert s.data == 6.0 and all(x.grad == 1.0 for x in xs)
    assert abs(Value(-2.0)).data == 2.0
    assert math.isclose(float(Value(4.0).sqrt()), 2.0)


def test_truth_value_follows_the_number_as_pytorch():
    # bool(Value(0.0)) was True (any object is): `if loss:` read as "a loss exists"
    for x in [0.0, -0.0, 1.0, -2.5, 1e-300, float("nan"), float("inf")]:
        assert bool(Value(x)) is bool(x)
    assert [v.data for v in filter(None, [Value(0.0), Value(3.0)])] == [3.0]


def test_truth_value_matches_torch():
    torch = pytest.importorskip("torch")
    for x in [0.0, -0.0, 5e-324, -1.0, float("nan")]:
        assert bool(Value(x)) is bool(torch.tensor(x, dtype=torch.float64))


def test_pickling_a_computed_value_gives_a_leaf_with_its_numbers():
    import copy
    import pickle
    from autograd import no_grad
    a = Value(2.0, label="a")
    b = a * 3.0
    b.label = "b"
    b.backward()
    with no_grad():
        c = a.exp()
    for value, copied in [(b, pickle.loads(pickle.dumps(b))), (c, pickle.loads(pickle.dumps(c))),
                          (b, copy.deepcopy(b)), (a, pickle.loads(pickle.dumps(a)))]:
        assert copied is not value and copied.is_leaf and copied.op == ""
        assert (copied.data, copied.grad, copied.label) == (value.data, value.grad, value.label)
    leaf = pickle.loads(pickle.dumps(b))
    (leaf * leaf).backward()
    assert leaf.grad == 1.0 + 2 * 6.0 and a.grad == 3.0  # its own leaf now: the original graph untouched
