"""What a user may assign to `.data` and `.grad` (plain attributes, unchecked on write), and
the errors that follow: each names the attribute and the value, and nothing is half-done."""
import fractions
import math

import pytest

from autograd import Value


@pytest.mark.parametrize("data, expected", [
    (1, 1.0), (-3, -3.0), (fractions.Fraction(1, 3), 1 / 3), (2 ** 60 + 1, float(2 ** 60 + 1)),
])
def test_float_and_item_of_other_real_data_give_a_float(data, expected):
    v = Value(0.0)
    v.data = data  # e.g. `p.data = 0` to reset a weight
    for got in (float(v), v.item()):
        assert type(got) is float and got == expected


def test_float_of_numpy_scalar_data_is_a_plain_float():
    np = pytest.importorskip("numpy")
    for data in (np.float32(1.5), np.float64(0.1), np.int64(7)):
        v = Value(0.0)
        v.data = data
        assert type(float(v)) is float and float(v) == float(data)
        assert type(v.item()) is float and v.item() == float(data)


@pytest.mark.parametrize("data", ["0.5", None, [1.0], 1 + 2j, True, Value(1.0)])
def test_float_and_item_of_data_that_is_no_number_name_data(data):
    v = Value(0.0)
    v.data = data
    for call in (float, Value.item):
        with pytest.raises(TypeError, match=r"v\.data must be a float, got " + type(data).__name__):
            call(v)


def test_float_of_data_too_large_for_a_float_says_so():
    v = Value(0.0)
    v.data = 10 ** 400
    with pytest.raises(OverflowError, match=r"v\.data: 1000.* too large for a float"):
        float(v)


@pytest.mark.parametrize("bad", [Value(1.0), "0", True, 10 ** 400], ids=["Value", "str", "bool", "10**400"])
def test_backward_from_a_leaf_refuses_a_grad_that_is_no_float(bad):
    x = Value(2.0)
    x.grad = bad
    with pytest.raises(TypeError, match=r"backward\(\): this leaf's \.grad must be a float or None"):
        x.backward()
    assert x.grad is bad  # left as it was


def test_backward_names_the_leaf_whose_grad_cannot_be_added_to():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    a.grad = "0"  # a str: `a.grad + term` fails in the middle of the pass
    y = a * b + b
    with pytest.raises(TypeError, match=r"the \.grad of leaf 'a' must be a float or None, got str.*zero them"):
        y.backward()
    a.zero_grad(); b.zero_grad()
    y.backward()  # after zeroing, the same graph gives the right gradients
    assert (a.grad, b.grad) == (3.0, 3.0)


def test_backward_errors_that_are_not_about_a_grad_are_unchanged():
    x = Value(2.0)
    with pytest.raises(TypeError, match=r"backward\(grad=\.\.\.\) must be a real number"):
        (x * x).backward("1")


@pytest.mark.parametrize("grad", [1, fractions.Fraction(1, 2), None])
def test_backward_adds_to_a_leaf_grad_of_another_real_number(grad):
    x = Value(2.0)
    x.grad = grad
    (x * x).backward()
    assert x.grad == (0.0 if grad is None else float(grad)) + 4.0 and not math.isnan(x.grad)


@pytest.mark.parametrize("bad", [Value(1.0), True], ids=["Value", "bool"])
@pytest.mark.parametrize("route", ["tape", "search"])
def test_backward_refuses_a_leaf_grad_that_adds_without_error(bad, route):
    # Value + float and True + float both succeed: unchecked, the grad silently became a
    # graph (or an int turned float). The pass names the leaf instead.
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    y = a * b
    if route == "search":  # a second pass finds the graph by searching, not on the tape
        y.backward()
    a.grad = bad
    with pytest.raises(TypeError, match=r"the \.grad of leaf 'a' must be a float or None, got " + type(bad).__name__):
        y.backward()
    assert a.grad is bad  # not added to


def test_a_compiled_step_refuses_a_parameter_grad_that_is_no_number_as_backward_does():
    from autograd import compile
    w, b = Value(0.5, label="w"), Value(0.1)
    step = compile(lambda xb, yb: sum((w * x[0] + b - y) ** 2 for x, y in zip(xb, yb)), [w, b])
    step([[1.0], [2.0]], [1.0, 2.0])
    g_w = w.grad
    held = Value(3.0)
    w.grad, b.grad = 0.25, held
    with pytest.raises(TypeError, match=r"compile: the \.grad of parameter 1 must be a float or None, got "
                                        r"Value.*the gradients of parameters 0 to 0 were added"):
        step([[1.0], [2.0]], [1.0, 2.0])
    assert w.grad == 0.25 + g_w and b.grad is held  # as the message says; the Value was not added to
    b.grad, w.grad = 1, True
    with pytest.raises(TypeError, match=r"parameter 0 \('w'\) must be a float or None, got bool.*no gradient was added"):
        step([[1.0], [2.0]], [1.0, 2.0])
    assert w.grad is True and b.grad == 1
    w.grad = None  # None and another real number add as before
    step([[1.0], [2.0]], [1.0, 2.0])
    assert w.grad == g_w and isinstance(b.grad, float)


@pytest.mark.parametrize("x", [2.5, -2.5, 2.7, -0.2, 1e300, float("inf"), float("-inf"), float("nan")])
def test_int_and_round_of_a_value_are_those_of_its_data(x):
    """int(v) as int(tensor); round(v, n) as round on the float, for printing a loss."""
    for convert in (int, round, lambda v: round(v, 2), lambda v: round(v, -1)):
        try:
            expected = convert(x)
        except (OverflowError, ValueError) as e:
            with pytest.raises(type(e)):
                convert(Value(x))
        else:
            got = convert(Value(x))
            assert type(got) is type(expected) and (got == expected or (math.isnan(got) and math.isnan(expected)))
    torch = pytest.importorskip("torch")
    if math.isfinite(x):
        assert int(Value(x)) == int(torch.tensor(x, dtype=torch.float64))
